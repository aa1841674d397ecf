namespace PriceFeed.Ingestion;

/// <summary>A run in progress: what it has done so far, and the limiter's counters when it began.</summary>
internal sealed class RunState(string job, DateTimeOffset startedAt, long requestsAtStart, long rateLimitedAtStart)
{
    public string Job { get; } = job;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public long RequestsAtStart { get; } = requestsAtStart;

    public long RateLimitedAtStart { get; } = rateLimitedAtStart;

    public List<SymbolReport> Symbols { get; } = [];

    public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

    public int BarsWritten { get; set; }

    public double? DataLagSeconds { get; set; }

    /// <summary>Trading days the run's answers lacked that stay open (asked again by the next run).</summary>
    public int GapsOpen { get; set; }

    /// <summary>Set once the run is finished; a check that finished it early leaves it here for the caller.</summary>
    public RunReport? Report { get; set; }
}
