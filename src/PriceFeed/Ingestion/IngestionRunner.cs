using Microsoft.Extensions.Options;
using PriceFeed.Calendar;

namespace PriceFeed.Ingestion;

/// <summary>
/// Runs the price-feed jobs by name, each call one idempotent pass (<see cref="CandleJob"/>,
/// <see cref="QuotesJob"/>, <see cref="TokenCheckJob"/>, <see cref="BackfillJob"/>). Before each
/// run the holiday list is refreshed; a run cut at a deadline or by something unexpected still ends
/// as a failed run with its report and metrics line.
/// </summary>
/// <summary>Work the scheduled end-of-day run does after the day's bars, registered by the folder that owns it (the stream shifts' staged ticks, issue 22); what it did in a sentence, or null.</summary>
public interface IEndOfDayStep
{
    Task<string?> RunAsync(CancellationToken cancellationToken);
}

internal sealed partial class IngestionRunner(
    CandleJob candles,
    QuotesJob quotes,
    TokenCheckJob tokenCheck,
    BackfillJob backfill,
    HolidaySource holidays,
    RunRecorder recorder,
    RunHistory history,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestionRunner> logger,
    IEnumerable<IEndOfDayStep> endOfDay,
    RunOrigin? origin = null)
{
    public async Task<RunReport> RunAsync(Job job, CancellationToken cancellationToken)
    {
        if (!RunNames.Scheduled.Contains(job))
        {
            throw new ArgumentException($"{job.Text()} is not a scheduled job. Jobs: {string.Join(", ", RunNames.ScheduledNames)}.", nameof(job));
        }

        var before = recorder.RequestsSoFar;
        await holidays.RefreshAsync(cancellationToken);
        return await SharedAsync(before, job switch
        {
            Job.Intraday => await candles.RunIntradayAsync(cancellationToken),
            Job.Eod => await CompactStagedAsync(await candles.RunEndOfDayAsync(null, cancellationToken), cancellationToken),
            Job.Quotes => await quotes.RunAsync(cancellationToken),
            _ => await tokenCheck.RunAsync(cancellationToken),
        });
    }

    /// <summary>
    /// A job that must end by <paramref name="stopBy"/> (a Lambda invocation's deadline less a margin):
    /// cut there, it still reports, as failed, with its metrics line, instead of being killed mid-run.
    /// Stored bars and cursors stay as they were after the last completed write, so the next run
    /// continues from there.
    /// </summary>
    public async Task<RunReport> RunAsync(Job job, CancellationToken stopBy, CancellationToken aborted)
    {
        // Every run has a time limit of its own too (Ingestion:RunTimeout), wherever it runs: a slow
        // FYERS must not keep a 5-minute job alive for 40 minutes (issue 19).
        using var limit = new CancellationTokenSource(options.Value.RunTimeout, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopBy, aborted, limit.Token);
        var before = recorder.RequestsSoFar;
        try
        {
            return await RunAsync(job, both.Token);
        }
        catch (OperationCanceledException) when (stopBy.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return await SharedAsync(before, recorder.Finish(recorder.Begin(job), RunStatus.Failed, $"The {job.Text()} run was stopped before the invocation deadline; what it stored is kept and the next run continues from there.", tokenValid: null));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return await SharedAsync(before, recorder.Finish(recorder.Begin(job), RunStatus.Failed, $"The {job.Text()} run reached its time limit (Ingestion:RunTimeout, {options.Value.RunTimeout:g}) and stopped; what it stored is kept and the next run continues from there.", tokenValid: null));
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            // What a run does not expect (the token store or the lake unreachable, a full disk) still
            // ends it as a failed run with its metrics line and summary, so the alarm fires and the
            // token page says why, instead of only a bare 500 in the function's log.
            Log.RunCrashed(logger, e, job.Text());
            return await SharedAsync(before, recorder.Finish(recorder.Begin(job), RunStatus.Failed, $"The {job.Text()} run failed: {e.Message}", tokenValid: null));
        }
    }

    /// <summary>
    /// After the scheduled end-of-day run, the steps other folders registered (the stream shifts'
    /// staged ticks into the days' Parquet, issue 22). A failed step fails the run (the alarm says
    /// so) and keeps what it works on; the next end-of-day run tries again.
    /// </summary>
    private async Task<RunReport> CompactStagedAsync(RunReport report, CancellationToken cancellationToken)
    {
        foreach (var step in endOfDay)
        {
            try
            {
                if (await step.RunAsync(cancellationToken) is { } said)
                {
                    report = report with { Message = $"{report.Message} {said}" };
                }
            }
            catch (Exception e) when (e is IOException or Lake.LakeBusyException or Amazon.Runtime.AmazonServiceException)
            {
                Log.CompactionFailed(logger, e.Message);
                report = report with { Status = RunStatus.Failed, Message = $"{report.Message} {e.Message}; what it worked on is kept and the next end-of-day run tries again." };
            }
        }

        return report;
    }

    public async Task<RunReport> RunIntradayAsync(CancellationToken cancellationToken)
    {
        var before = recorder.RequestsSoFar;
        await holidays.RefreshAsync(cancellationToken);
        return await SharedAsync(before, await candles.RunIntradayAsync(cancellationToken));
    }

    public async Task<RunReport> RunEndOfDayAsync(DateOnly? date, CancellationToken cancellationToken)
    {
        var before = recorder.RequestsSoFar;
        await holidays.RefreshAsync(cancellationToken);
        return await SharedAsync(before, await candles.RunEndOfDayAsync(date, cancellationToken));
    }

    public async Task<RunReport> RunQuotesAsync(CancellationToken cancellationToken)
    {
        var before = recorder.RequestsSoFar;
        await holidays.RefreshAsync(cancellationToken);
        return await SharedAsync(before, await quotes.RunAsync(cancellationToken));
    }

    public async Task<RunReport> RunTokenCheckAsync(CancellationToken cancellationToken)
    {
        var before = recorder.RequestsSoFar;
        await holidays.RefreshAsync(cancellationToken);
        return await SharedAsync(before, await tokenCheck.RunAsync(cancellationToken));
    }

    /// <summary>A backfill; what it does not expect (a damaged lake file, a full disk) ends it as a failed run saying so.</summary>
    public async Task<RunReport> RunBackfillAsync(BackfillRequest request, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(options.Value.BackfillTimeout, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var before = recorder.RequestsSoFar;
        try
        {
            await holidays.RefreshAsync(both.Token);
            return await SharedAsync(before, await backfill.RunAsync(request, progress, both.Token));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return await SharedAsync(before, recorder.Finish(recorder.Begin(Job.Backfill), RunStatus.Failed, $"The backfill reached its time limit (Ingestion:BackfillTimeout, {options.Value.BackfillTimeout:g}) and stopped; finished chunks are kept: run the same command again to continue.", tokenValid: null));
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            Log.RunCrashed(logger, e, "backfill");
            return await SharedAsync(before, recorder.Finish(recorder.Begin(Job.Backfill), RunStatus.Failed, $"The backfill failed: {e.Message}", tokenValid: null));
        }
    }

    /// <summary>
    /// Every finished run is shared before it is returned (beside the lake, or SSM on AWS), so the
    /// page, /api/status and <c>pricefeed status</c> show the same runs whoever made them; and on
    /// Lambda before the response, after which the function is frozen. A person's run (the CLI) that
    /// failed before it asked FYERS anything (no token, the lake busy, a damaged file) is said on their
    /// terminal only: it does not replace what the page shows about the scheduled jobs (issue 20).
    /// </summary>
    private async Task<RunReport> SharedAsync(long requestsBefore, RunReport report)
    {
        if (origin?.Trigger == RunTrigger.Manual && report.Status is RunStatus.Failed or RunStatus.LoginNeeded && recorder.RequestsSoFar == requestsBefore)
        {
            return report;
        }

        await history.PublishAsync(report, CancellationToken.None);
        return report;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "A step of the end-of-day run failed: {Reason}")]
        public static partial void CompactionFailed(ILogger logger, string reason);

        [LoggerMessage(24, LogLevel.Error, "Job {Job} failed unexpectedly")]
        public static partial void RunCrashed(ILogger logger, Exception exception, string job);
    }
}
