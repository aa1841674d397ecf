using PriceFeed.Calendar;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Ingestion;

/// <summary>
/// Opens and closes runs. A finished run becomes one report, one metrics line, the job's entry in the
/// run history (the page) and one log line, whichever way it ended.
/// </summary>
internal sealed partial class RunRecorder(FyersRateLimiter limiter, TimeProvider time, EmfMetrics metrics, RunHistory history, HolidaySource holidays, ILogger<RunRecorder> logger)
{
    /// <summary>FYERS requests this process has made so far.</summary>
    public long RequestsSoFar => limiter.Granted;

    public RunState Begin(Job job) => new(job, time.GetUtcNow(), limiter.Granted, limiter.RateLimitedResponses);

    public RunReport Finish(RunState run, RunStatus status, string message, bool? tokenValid)
    {
        ArgumentNullException.ThrowIfNull(run);
        var finished = time.GetUtcNow();
        var report = new RunReport(
            run.Job,
            status,
            message,
            run.StartedAt,
            finished,
            tokenValid ?? true,
            [.. run.Symbols],
            limiter.Granted - run.RequestsAtStart,
            limiter.RateLimitedResponses - run.RateLimitedAtStart,
            run.BarsWritten,
            run.Symbols.Sum(s => s.BarsExpected),
            run.Symbols.Sum(s => s.BarsRejected),
            run.DataLagSeconds,
            new Dictionary<string, int>(run.Reasons),
            holidays.Coverage(finished).Warning,
            run.GapsOpen,
            run.SeriesPlanned);
        run.Report = report;
        metrics.Write(report);
        history.Record(report);
        if (report.IsFailure)
        {
            Log.RunFailed(logger, report.Job.Text(), report.Message);
        }
        else
        {
            Log.RunFinished(logger, report.Job.Text(), report.Status.Text(), report.Message);
        }

        return report;
    }

    private static partial class Log
    {
        [LoggerMessage(21, LogLevel.Error, "Job {Job} failed: {Message}")]
        public static partial void RunFailed(ILogger logger, string job, string message);

        [LoggerMessage(22, LogLevel.Information, "Job {Job} {Status}: {Message}")]
        public static partial void RunFinished(ILogger logger, string job, string status, string message);
    }
}
