using System.Collections.Concurrent;

namespace PriceFeed.Ingestion;

/// <summary>The last report of each job in this process, for /api/status and the page.</summary>
public sealed class RunHistory
{
    private readonly ConcurrentDictionary<string, RunReport> last = new(StringComparer.Ordinal);

    public void Record(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        last[report.Job] = report;
    }

    public IReadOnlyCollection<RunReport> Latest => [.. last.Values.OrderBy(r => r.Job, StringComparer.Ordinal)];
}
