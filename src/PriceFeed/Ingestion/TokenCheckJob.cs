using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

/// <summary>The pre-open check: asks FYERS whether the stored token works, so a dead one raises the alarm before the open.</summary>
internal sealed class TokenCheckJob(TokenVault vault, MarketCalendar calendar, RunRecorder recorder, TimeProvider time)
{
    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        var run = recorder.Begin(Job.TokenCheck);
        var today = MarketTime.IstDate(time.GetUtcNow());
        if (calendar.SessionOn(today) is null)
        {
            // No reminder to log in on a day the feed does not run.
            return recorder.Finish(run, RunStatus.Skipped, $"{today:yyyy-MM-dd} is not a trading day ({calendar.HolidayName(today) ?? "weekend"}): no token needed today.", tokenValid: null);
        }

        var check = await vault.CheckAsync(cancellationToken);
        if (check.Problem is { } problem)
        {
            return recorder.Finish(run, RunStatus.Failed, $"FYERS could not be asked about the token: {problem}", tokenValid: null);
        }

        var status = check.Status;
        return recorder.Finish(run, status.IsUsable ? RunStatus.Ok : RunStatus.LoginNeeded, status.IsUsable ? status.Message : $"{status.Message} Open the token page and log in with FYERS.", status.IsUsable);
    }
}
