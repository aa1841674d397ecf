using System.Collections.Concurrent;

namespace PriceFeed.Ingestion;

/// <summary>What /api/status and the page show of a job's last run: small enough for an SSM parameter.</summary>
public sealed record RunSummary(
    Job Job,
    RunStatus Status,
    string Message,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int SeriesOk,
    int SeriesTotal,
    int BarsWritten,
    int BarsExpected,
    long Requests,
    long RateLimited,
    double? DataLagSeconds,
    int GapsOpen = 0,
    bool TokenValid = true)
{
    /// <summary>Messages naming many failed symbols are cut here (an SSM Standard value holds 4 KB).</summary>
    public const int MaxMessageLength = 1000;

    public static RunSummary From(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var message = report.Message.Length <= MaxMessageLength ? report.Message : report.Message[..(MaxMessageLength - 1)] + "…";
        return new RunSummary(report.Job, report.Status, message, report.StartedAt, report.FinishedAt, report.Symbols.Count(s => s.Ok), report.SeriesTotal, report.BarsWritten, report.BarsExpected, report.Requests, report.RateLimited, report.DataLagSeconds, report.GapsOpen, report.TokenValid);
    }
}

/// <summary>Where runs are shared between processes: on AWS the ingestion function writes, the token page reads.</summary>
public interface IRunLog
{
    Task PublishAsync(RunSummary run, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunSummary>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The last run of each job, for /api/status and the page: this process's own runs, and with a shared
/// <see cref="IRunLog"/> (SSM on AWS) the ones another process ran, the newer of the two winning.
/// </summary>
public sealed partial class RunHistory(IRunLog? shared = null, ILogger<RunHistory>? logger = null)
{
    private readonly ConcurrentDictionary<Job, RunSummary> last = new();

    public void Record(RunReport report) => last[report.Job] = RunSummary.From(report);

    /// <summary>This process's runs only.</summary>
    public IReadOnlyCollection<RunSummary> Latest => [.. last.Values.OrderBy(r => r.Job.Text(), StringComparer.Ordinal)];

    /// <summary>Shares a finished run; a failure to share is logged and never fails the job itself.</summary>
    public async Task PublishAsync(RunReport report, CancellationToken cancellationToken)
    {
        if (shared is null)
        {
            return;
        }

        try
        {
            await shared.PublishAsync(RunSummary.From(report), cancellationToken);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
        {
            if (logger is not null)
            {
                Log.PublishFailed(logger, report.Job.Text(), e.Message);
            }
        }
    }

    /// <summary>The newest run of each job, from this process and the shared log.</summary>
    public async Task<IReadOnlyList<RunSummary>> LatestAsync(CancellationToken cancellationToken)
    {
        var runs = new Dictionary<Job, RunSummary>(last);
        if (shared is not null)
        {
            try
            {
                foreach (var run in await shared.ReadAsync(cancellationToken))
                {
                    if (!runs.TryGetValue(run.Job, out var mine) || run.FinishedAt > mine.FinishedAt)
                    {
                        runs[run.Job] = run;
                    }
                }
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
            {
                if (logger is not null)
                {
                    Log.ReadFailed(logger, e.Message);
                }
            }
        }

        return [.. runs.Values.OrderBy(r => r.Job.Text(), StringComparer.Ordinal)];
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share the {Job} run for the token page: {Error}")]
        public static partial void PublishFailed(ILogger logger, string job, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the shared runs: {Error}")]
        public static partial void ReadFailed(ILogger logger, string error);
    }
}
