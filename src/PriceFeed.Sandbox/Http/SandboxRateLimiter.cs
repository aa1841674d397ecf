namespace PriceFeed.Sandbox.Http;

/// <summary>
/// FYERS' limits as the server enforces them: sliding windows per app and user, 429 past them, and the
/// day block after three minute-breaches. It also measures what clients did, so tests can check a
/// client against the server's own count rather than the client's word.
/// </summary>
public sealed class SandboxRateLimiter(SandboxOptions options, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>Most requests accepted inside any 1-second window, over all keys.</summary>
    public int MaxPerSecondSeen { get; private set; }

    /// <summary>Most requests accepted inside any 60-second window, over all keys.</summary>
    public int MaxPerMinuteSeen { get; private set; }

    public int TooManyRequestsSent { get; private set; }

    public int MinuteBreaches { get; private set; }

    /// <summary>
    /// Requests that arrived before the wait an earlier 429 asked for had passed (for a minute breach,
    /// the rest of that minute): a client that retries inside it is how accounts get blocked.
    /// </summary>
    public int RequestsBeforeRetryAfter { get; private set; }

    public long Accepted { get; private set; }

    /// <summary>Counts a request; returns how long the caller must wait, or null when it may proceed.</summary>
    public RateDecision Admit(string key)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (!windows.TryGetValue(key, out var w))
            {
                w = new Window();
                windows[key] = w;
            }

            if (w.NotBefore > now)
            {
                RequestsBeforeRetryAfter++;
            }

            if (w.BlockedUntil > now)
            {
                return Refuse(w, now, w.BlockedUntil - now, blocked: true);
            }

            Prune(w.Second, now - TimeSpan.FromSeconds(1));
            Prune(w.Minute, now - TimeSpan.FromMinutes(1));
            var day = DateOnly.FromDateTime(now.ToOffset(Market.SyntheticMarket.Ist).DateTime);
            if (w.Day != day)
            {
                w.Day = day;
                w.DayCount = 0;
                w.Breaches = 0;
            }

            if (w.Second.Count >= options.RequestsPerSecond)
            {
                return Refuse(w, now, w.Second.Peek() + TimeSpan.FromSeconds(1) - now, blocked: false);
            }

            if (w.Minute.Count >= options.RequestsPerMinute)
            {
                MinuteBreaches++;
                w.Breaches++;
                if (options.BlockAfterThreeMinuteBreaches && w.Breaches > 3)
                {
                    var midnightIst = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Market.SyntheticMarket.Ist);
                    w.BlockedUntil = midnightIst;
                    return Refuse(w, now, midnightIst - now, blocked: true);
                }

                return Refuse(w, now, w.Minute.Peek() + TimeSpan.FromMinutes(1) - now, blocked: false);
            }

            if (w.DayCount >= options.RequestsPerDay)
            {
                return Refuse(w, now, TimeSpan.FromHours(1), blocked: true);
            }

            w.Second.Enqueue(now);
            w.Minute.Enqueue(now);
            w.DayCount++;
            Accepted++;
            MaxPerSecondSeen = Math.Max(MaxPerSecondSeen, w.Second.Count);
            MaxPerMinuteSeen = Math.Max(MaxPerMinuteSeen, w.Minute.Count);
            return RateDecision.Allowed;
        }
    }

    /// <summary>A 429 that a fault forced, treated as a minute breach: the caller must wait out the minute.</summary>
    public RateDecision ForceMinuteBreach(string key)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (!windows.TryGetValue(key, out var w))
            {
                w = new Window();
                windows[key] = w;
            }

            if (w.NotBefore > now)
            {
                RequestsBeforeRetryAfter++;
            }

            Prune(w.Minute, now - TimeSpan.FromMinutes(1));
            var rest = w.Minute.Count > 0 ? w.Minute.Peek() + TimeSpan.FromMinutes(1) - now : TimeSpan.FromMinutes(1);
            return Refuse(w, now, rest, blocked: false);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            windows.Clear();
            MaxPerSecondSeen = MaxPerMinuteSeen = TooManyRequestsSent = MinuteBreaches = RequestsBeforeRetryAfter = 0;
            Accepted = 0;
        }
    }

    private RateDecision Refuse(Window w, DateTimeOffset now, TimeSpan retryAfter, bool blocked)
    {
        var wait = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
        if (now + wait > w.NotBefore)
        {
            w.NotBefore = now + wait;
        }

        TooManyRequestsSent++;
        return new RateDecision(false, wait, blocked);
    }

    private static void Prune(Queue<DateTimeOffset> q, DateTimeOffset horizon)
    {
        while (q.Count > 0 && q.Peek() <= horizon)
        {
            q.Dequeue();
        }
    }

    private sealed class Window
    {
        public Queue<DateTimeOffset> Second { get; } = new();

        public Queue<DateTimeOffset> Minute { get; } = new();

        public DateOnly Day { get; set; }

        public int DayCount { get; set; }

        public int Breaches { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }

        public DateTimeOffset NotBefore { get; set; }
    }
}

public readonly record struct RateDecision(bool IsAllowed, TimeSpan RetryAfter, bool BlockedForDay)
{
    public static RateDecision Allowed { get; } = new(true, TimeSpan.Zero, false);
}
