namespace PriceFeed.Ingestion;

/// <summary>What one job run did. Failed when any symbol failed after retries, or when no usable token was there.</summary>
public sealed record RunReport(
    Job Job,
    RunStatus Status,
    string Message,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool TokenValid,
    IReadOnlyList<SymbolReport> Symbols,
    long Requests,
    long RateLimited,
    int BarsWritten,
    int BarsExpected,
    int BarsRejected,
    double? DataLagSeconds,
    IReadOnlyDictionary<string, int> RejectReasons,
    string? CalendarWarning = null,
    int GapsOpen = 0,
    int SeriesPlanned = 0)
{
    public bool IsFailure => Status == RunStatus.Failed;

    /// <summary>The series the run meant to fetch: at least those it reports on.</summary>
    public int SeriesTotal => Math.Max(SeriesPlanned, Symbols.Count);

    /// <summary>The NSE holiday list does not reach far enough (see HolidaySource); the HolidayListMissing metric.</summary>
    public bool HolidayListMissing => CalendarWarning is not null;

    public IEnumerable<SymbolReport> FailedSymbols => Symbols.Where(s => !s.Ok);
}

public sealed record SymbolReport(string Symbol, string Resolution, bool Ok, int BarsWritten, int BarsExpected, int BarsReceived, int BarsRejected, string? Error);
