using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;

namespace PriceFeed.Fyers.Http;

/// <summary>
/// One request budget for the whole process, shared by every FYERS call (quotes, history, auth):
/// FYERS counts all REST calls of a user together (fyers-protocol.md §4, §13.6).
/// A sliding-window log, not a token bucket: buckets overshoot FYERS' sliding windows (fyers-protocol.md §13.5).
/// After a 429 every caller waits out Retry-After, or a whole window when FYERS gives none, because
/// three per-minute breaches block the account for the day. A minute refusal our own budget did not
/// predict means someone else spends the same app's budget (another tool, a second machine): for the
/// next 15 minutes the limiter keeps to what FYERS accepted in that minute, so it does not walk into a
/// second breach right after the pause (another refusal learns again).
/// </summary>
public sealed class FyersRateLimiter
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan WindowGuard = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MinuteRefusalAtLeast = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LearnFor = TimeSpan.FromMinutes(15);

    /// <summary>
    /// With a learned budget we run exactly at FYERS' limit, whose window counts arrivals, not our
    /// sends: a request that travelled slowly expires there later than here. A second of slack on the
    /// minute window absorbs that (measured: 25 ms was not enough with both cores busy).
    /// </summary>
    private static readonly TimeSpan LearnedMinuteGuard = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Queue<DateTimeOffset> inLastSecond = new();
    private readonly Queue<DateTimeOffset> inLastMinute = new();
    private readonly List<DateTimeOffset> wakeUps = [];
    private readonly TimeProvider time;
    private readonly FyersOptions options;
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset lastGrant = DateTimeOffset.MinValue;
    private DateOnly budgetDay;
    private int usedToday;
    private long granted;
    private long rateLimited;
    private int? learnedPerMinute;
    private DateTimeOffset learnedUntil;

    public FyersRateLimiter(IOptions<FyersOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
    }

    /// <summary>Requests let through since start.</summary>
    public long Granted => Interlocked.Read(ref granted);

    /// <summary>429 answers seen since start.</summary>
    public long RateLimitedResponses => Interlocked.Read(ref rateLimited);

    /// <summary>The per-minute budget learned from a recent FYERS refusal, if any (below the configured one).</summary>
    public int? LearnedRequestsPerMinute
    {
        get
        {
            lock (gate)
            {
                return Learned(time.GetUtcNow());
            }
        }
    }

    /// <summary>Until when every caller is held back after a 429; in the past when not paused.</summary>
    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (gate)
            {
                return pausedUntil;
            }
        }
    }

    /// <summary>
    /// When the first caller waiting for a permit looks again; null when nobody waits. With a manual
    /// clock (the tests' FakeTimeProvider) this says exactly how far to move time, so a minute-long
    /// pause is tested without a minute of waiting.
    /// </summary>
    public DateTimeOffset? NextWakeUp
    {
        get
        {
            lock (gate)
            {
                return wakeUps.Count == 0 ? null : wakeUps.Min();
            }
        }
    }

    /// <summary>Waits until a request may be sent within every window, then counts it as sent.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            DateTimeOffset wakeUp;
            lock (gate)
            {
                var now = time.GetUtcNow();
                wait = WaitFor(now);
                if (wait <= TimeSpan.Zero)
                {
                    lastGrant = now;
                    inLastSecond.Enqueue(now);
                    inLastMinute.Enqueue(now);
                    usedToday++;
                    granted++;
                    return;
                }

                wakeUp = now + wait;
                wakeUps.Add(wakeUp);
            }

            try
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (gate)
                {
                    wakeUps.Remove(wakeUp);
                }
            }
        }
    }

    /// <summary>Records a 429 (or a -429 body): nobody sends again until the window has passed.</summary>
    public void ReportRateLimited(TimeSpan? retryAfter)
    {
        var pause = retryAfter is { } r && r > TimeSpan.Zero ? r : options.RateLimitCooldown;
        lock (gate)
        {
            var now = time.GetUtcNow();
            var until = now + pause;
            if (until > pausedUntil)
            {
                pausedUntil = until;
            }

            rateLimited++;

            // A pause of seconds is a per-second refusal; a longer one is the minute window. What FYERS
            // accepted in the last minute is the refused request's predecessors (it was counted too).
            if (pause > MinuteRefusalAtLeast)
            {
                Prune(inLastMinute, now - Minute);
                var accepted = Math.Max(1, inLastMinute.Count - 1);
                if (accepted < EffectivePerMinute(now))
                {
                    learnedPerMinute = accepted;
                    learnedUntil = now + LearnFor;
                }
            }
        }
    }

    private TimeSpan WaitFor(DateTimeOffset now)
    {
        if (pausedUntil > now)
        {
            return pausedUntil - now;
        }

        var today = MarketTime.IstDate(now);
        if (today != budgetDay)
        {
            budgetDay = today;
            usedToday = 0;
        }

        if (usedToday >= options.RequestsPerDay)
        {
            throw new FyersApiException(
                FyersErrorKind.RateLimited,
                $"PriceFeed's daily FYERS request budget ({options.RequestsPerDay}) is used up; it resets at midnight IST. Raise Fyers:RequestsPerDay (FYERS allows 100,000) or narrow the job.");
        }

        Prune(inLastSecond, now - Second);
        var minuteGuard = Learned(now) is not null ? LearnedMinuteGuard : TimeSpan.Zero;
        Prune(inLastMinute, now - Minute - minuteGuard);
        var wait = TimeSpan.Zero;
        if (inLastSecond.Count >= options.RequestsPerSecond)
        {
            wait = inLastSecond.Peek() + Second - now;
        }

        if (inLastMinute.Count >= EffectivePerMinute(now))
        {
            var minuteWait = inLastMinute.Peek() + Minute + minuteGuard - now;
            wait = minuteWait > wait ? minuteWait : wait;
        }

        // Spread the per-second budget evenly instead of sending it as one burst: a burst delayed on
        // the way can land in the same server window as the next one, evenly spaced requests cannot
        // unless they are delayed by several spacings.
        var spacingWait = lastGrant + (Second / options.RequestsPerSecond) - now;
        if (spacingWait > TimeSpan.Zero)
        {
            return wait > spacingWait ? wait + WindowGuard : spacingWait;
        }

        // Our clock stamps the send, FYERS' stamps the arrival: requests that travel at different speeds
        // can land closer together than they left. A small guard keeps them in separate server windows.
        return wait > TimeSpan.Zero ? wait + WindowGuard : wait;
    }

    private int EffectivePerMinute(DateTimeOffset now) =>
        Learned(now) is { } learned ? Math.Min(learned, options.RequestsPerMinute) : options.RequestsPerMinute;

    /// <summary>The learned minute budget while it lasts; null before any refusal and after it lapsed.</summary>
    private int? Learned(DateTimeOffset now) => learnedUntil > now ? learnedPerMinute : null;

    private static void Prune(Queue<DateTimeOffset> queue, DateTimeOffset horizon)
    {
        while (queue.Count > 0 && queue.Peek() <= horizon)
        {
            queue.Dequeue();
        }
    }
}
