using Microsoft.Extensions.Options;
using PriceFeed.Calendar;

namespace PriceFeed.Ingestion;

/// <summary>
/// The laptop's scheduler: during IST sessions it runs the intraday job every few minutes (and
/// quotes if configured), and the end-of-day job once after the close. On AWS, EventBridge
/// Scheduler calls /events instead and this service is not registered.
/// </summary>
/// <summary>The laptop's check of a streamed day after its end-of-day run (the live stream's reconcile, issue 21), registered by the folder that owns it; its verdict in a phrase, or null when the day was not streamed.</summary>
public interface IStreamedDayCheck
{
    Task<string?> AfterEndOfDayAsync(DateOnly date, CancellationToken cancellationToken);
}

internal sealed partial class LocalScheduler(IngestionRunner runner, MarketCalendar calendar, IOptions<IngestionOptions> options, TimeProvider time, ILogger<LocalScheduler> logger, PriceFeed.Tokens.TokenStoredSignal? loggedIn = null, IStreamedDayCheck? reconciler = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.IntradayEvery > TimeSpan.Zero ? options.Value.IntradayEvery : TimeSpan.FromMinutes(5);
        DateOnly? endOfDayDone = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the pass: a login during it still wakes the next one.
            var login = loggedIn?.NextAsync() ?? new TaskCompletionSource().Task;
            var now = time.GetUtcNow();
            try
            {
                if (calendar.SessionAt(now) is not null)
                {
                    await runner.RunIntradayAsync(stoppingToken);
                    if (options.Value.QuotesEvery > TimeSpan.Zero)
                    {
                        await runner.RunQuotesAsync(stoppingToken);
                    }
                }
                else if (calendar.LatestSessionStartedBy(now) is { } last && last.Close + CandleJob.SettleTime <= now && endOfDayDone != last.Date && now - last.Close < TimeSpan.FromHours(12))
                {
                    var report = await runner.RunEndOfDayAsync(last.Date, stoppingToken);
                    if (!report.IsFailure)
                    {
                        endOfDayDone = last.Date;

                        // The day's REST bars are in: if the stream ran, its live bars are reconciled with them.
                        if (reconciler is not null && await reconciler.AfterEndOfDayAsync(last.Date, stoppingToken) is { } verdict)
                        {
                            Log.Reconciled(logger, last.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), verdict);
                        }
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed pass is reported and retried on the next tick; the scheduler itself keeps running.
                Log.PassFailed(logger, e);
            }

            // The next tick, or at once after a login: the runs that waited for a token catch up now.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tick = Task.Delay(NextTick(time.GetUtcNow(), every), time, wake.Token);
            await Task.WhenAny(tick, login);
            await wake.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The next multiple of the interval after now, plus 20 s so the last bar has closed at FYERS.</summary>
    private TimeSpan NextTick(DateTimeOffset now, TimeSpan every)
    {
        var sessionStart = calendar.NextSessionAfter(now);
        var ticks = (now.UtcTicks / every.Ticks + 1) * every.Ticks;
        var aligned = new DateTimeOffset(ticks, TimeSpan.Zero) + TimeSpan.FromSeconds(20);
        if (calendar.SessionAt(now) is null && sessionStart is not null && sessionStart.Open > aligned && calendar.LatestSessionStartedBy(now) is { } last && now - last.Close > TimeSpan.FromMinutes(30))
        {
            // Closed and the end-of-day pass is behind us: sleep until the next session opens.
            aligned = sessionStart.Open + every + TimeSpan.FromSeconds(20);
        }

        return aligned - now;
    }

    private static partial class Log
    {
        [LoggerMessage(31, LogLevel.Information, "The stream's live bars of {Date} reconciled with REST: {Verdict}")]
        public static partial void Reconciled(ILogger logger, string date, string verdict);

        [LoggerMessage(30, LogLevel.Error, "A scheduled ingestion pass failed; retrying at the next tick")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
