namespace PriceFeed.Ingestion;

/// <summary>A run in progress: what it has done so far, and the limiter's counters when it began.</summary>
internal sealed class RunState(Job job, DateTimeOffset startedAt, long requestsAtStart, long rateLimitedAtStart)
{
    public Job Job { get; } = job;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public long RequestsAtStart { get; } = requestsAtStart;

    public long RateLimitedAtStart { get; } = rateLimitedAtStart;

    public List<SymbolReport> Symbols { get; } = [];

    public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

    public int BarsWritten { get; set; }

    /// <summary>
    /// The series the run meant to fetch once it knew the watchlist; a run stopped early (a rejected
    /// token, the circuit breaker) reports "4 of 28 series ok", not "4/4" (issue 20).
    /// </summary>
    public int SeriesPlanned { get; set; }

    public double? DataLagSeconds { get; set; }

    /// <summary>Trading days the run's answers lacked that stay open (asked again by the next run).</summary>
    public int GapsOpen { get; set; }

    /// <summary>
    /// "N bars written", the number the run record stores (issue 19/20: the record said 0 or 2,424
    /// while the message said 150000 or 5084), and how many fetched bars were already stored.
    /// </summary>
    public string WrittenSummary()
    {
        var fetched = Symbols.Sum(s => s.BarsWritten);
        return fetched <= BarsWritten ? $"{BarsWritten} bars written" : $"{BarsWritten} bars written ({fetched} fetched; {fetched - BarsWritten} were stored already)";
    }

    /// <summary>Why the run stopped asking FYERS (its circuit breaker), said once in the run's message; null while it asks.</summary>
    public string? StoppedAsking { get; private set; }

    private (PriceFeed.Fyers.Errors.FyersErrorKind Kind, int Count) streak;

    /// <summary>A series or chunk that FYERS answered: the streak of failures is broken.</summary>
    public void NoteSuccess() => streak = default;

    /// <summary>
    /// A series or chunk that failed. Failures of FYERS itself (5xx, timeouts, rate limits, unreadable
    /// answers) of one kind, <paramref name="limit"/> in a row, stop the run from asking further: a
    /// down or refusing FYERS must not keep a run alive for 40 minutes (issue 19). True when tripped.
    /// </summary>
    public bool NoteFailure(PriceFeed.Fyers.Errors.FyersApiException failure, int limit)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.Kind is not (PriceFeed.Fyers.Errors.FyersErrorKind.ServerError or PriceFeed.Fyers.Errors.FyersErrorKind.Network or PriceFeed.Fyers.Errors.FyersErrorKind.RateLimited or PriceFeed.Fyers.Errors.FyersErrorKind.UnexpectedResponse))
        {
            streak = default;
            return false;
        }

        streak = streak.Count > 0 && streak.Kind == failure.Kind ? (failure.Kind, streak.Count + 1) : (failure.Kind, 1);
        if (streak.Count < limit)
        {
            return false;
        }

        StoppedAsking = $"FYERS failed {streak.Count} in a row ({failure.Message}), so this run stopped asking; the next run asks again.";
        return true;
    }

    /// <summary>Set once the run is finished; a check that finished it early leaves it here for the caller.</summary>
    public RunReport? Report { get; set; }
}
