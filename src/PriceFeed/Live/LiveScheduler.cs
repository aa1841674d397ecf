using PriceFeed.Calendar;
using PriceFeed.Tokens;

namespace PriceFeed.Live;

/// <summary>
/// Runs the live stream inside <c>pricefeed serve</c> on a laptop, like its other jobs (issue 21):
/// during each NSE session (the calendar's, IST), stopped at the close. Without a usable token it
/// waits for the next login (<see cref="TokenStoredSignal"/>) instead of retrying, so the 06:00
/// token death never turns into a reconnect loop. On AWS this service is not registered.
/// </summary>
internal sealed partial class LiveScheduler(LiveFeed feed, TickCompactor compactor, MarketCalendar calendar, TokenStoredSignal loggedIn, LiveClock clock, ILogger<LiveScheduler> logger) : BackgroundService
{
    // The market's clock: in a sandbox replay, the replayed session's hours, whatever the hour here.
    private TimeProvider Time => clock.Time;

    /// <summary>How long after a session's close the stream keeps the last minute's ticks coming.</summary>
    public static readonly TimeSpan AfterClose = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var login = loggedIn.NextAsync();
            var now = Time.GetUtcNow();
            if (calendar.SessionAt(now) is not { } session)
            {
                // The market is shut: finished days' tick logs go into the lake as Parquet.
                await CompactAsync(stoppingToken);

                // Closed: sleep until the next session opens (or a login, which changes nothing until then).
                var next = calendar.NextSessionAfter(now)?.Open ?? now + TimeSpan.FromHours(12);
                await WaitAsync(next - now, login: null, stoppingToken);
                continue;
            }

            using var untilClose = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            untilClose.CancelAfter(session.Close + AfterClose - now > TimeSpan.Zero ? session.Close + AfterClose - now : TimeSpan.Zero);
            LiveFeedEnd end;
            try
            {
                end = await feed.RunAsync(untilClose.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A failure to start (FYERS unreachable for symbol-token): said, and tried again in a minute.
                Log.StreamFailed(logger, e.Message);
                await WaitAsync(TimeSpan.FromMinutes(1), login, stoppingToken);
                continue;
            }

            if (end == LiveFeedEnd.LoginNeeded)
            {
                // Until somebody logs in, streaming cannot work: wait for the login, not a timer.
                await WaitAsync(session.Close - Time.GetUtcNow(), login, stoppingToken);
            }
            else if (end == LiveFeedEnd.NothingToStream)
            {
                await WaitAsync(TimeSpan.FromMinutes(5), login, stoppingToken);
            }
        }
    }

    private async Task CompactAsync(CancellationToken stoppingToken)
    {
        try
        {
            await compactor.CompactFinishedAsync(stoppingToken);
        }
        catch (Exception e) when (e is IOException or Lake.LakeBusyException or Amazon.S3.AmazonS3Exception)
        {
            // The logs stay where they are; the next closed spell tries again.
            Log.CompactionFailed(logger, e.Message);
        }
    }

    private async Task WaitAsync(TimeSpan delay, Task? login, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Time, wake.Token);
        await (login is null ? timer : Task.WhenAny(timer, login));
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private static partial class Log
    {
        [LoggerMessage(67, LogLevel.Warning, "The tick logs could not be compacted: {Reason}; they are kept and tried again later")]
        public static partial void CompactionFailed(ILogger logger, string reason);

        [LoggerMessage(62, LogLevel.Warning, "The live stream could not start: {Reason}; trying again in a minute")]
        public static partial void StreamFailed(ILogger logger, string reason);
    }
}
