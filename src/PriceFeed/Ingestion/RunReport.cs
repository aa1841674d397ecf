namespace PriceFeed.Ingestion;

/// <summary>What one job run did. Failed when any symbol failed after retries, or when no usable token was there.</summary>
public sealed record RunReport(
    string Job,
    string Status,
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
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    /// <summary>Stopped on purpose (a request budget) with work left; the same command continues it.</summary>
    public const string Partial = "partial";

    /// <summary>
    /// The pre-open check found no usable token: a person must log in. The job itself worked, so it is
    /// no failure (HTTP 200, no Lambda error, no retry, no "ingestion failed" mail); TokenValid=0
    /// raises the one reminder, with the page's address. The CLI still exits 1, for scripts.
    /// </summary>
    public const string LoginNeeded = "login-needed";

    public bool IsFailure => Status == Failed;

    /// <summary>The series the run meant to fetch: at least those it reports on.</summary>
    public int SeriesTotal => Math.Max(SeriesPlanned, Symbols.Count);

    /// <summary>The NSE holiday list does not reach far enough (see HolidaySource); the HolidayListMissing metric.</summary>
    public bool HolidayListMissing => CalendarWarning is not null;

    public IEnumerable<SymbolReport> FailedSymbols => Symbols.Where(s => !s.Ok);
}

public sealed record SymbolReport(string Symbol, string Resolution, bool Ok, int BarsWritten, int BarsExpected, int BarsReceived, int BarsRejected, string? Error);
