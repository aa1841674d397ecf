namespace PriceFeed.Ingestion;

/// <summary>Bound from "Ingestion". Environment variables override (Ingestion__Symbols=NSE:SBIN-EQ,NSE:TCS-EQ).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Liquid NSE names plus NIFTY 50 and NIFTY BANK.</summary>
    public static readonly string[] DefaultWatchlist =
    [
        "NSE:NIFTY50-INDEX", "NSE:NIFTYBANK-INDEX",
        "NSE:RELIANCE-EQ", "NSE:HDFCBANK-EQ", "NSE:ICICIBANK-EQ", "NSE:INFY-EQ", "NSE:TCS-EQ",
        "NSE:SBIN-EQ", "NSE:ITC-EQ", "NSE:LT-EQ", "NSE:AXISBANK-EQ", "NSE:KOTAKBANK-EQ", "NSE:BHARTIARTL-EQ",
    ];

    /// <summary>Comma-separated symbols; empty means <see cref="DefaultWatchlist"/>.</summary>
    public string? Symbols { get; set; }

    /// <summary>
    /// An SSM parameter holding the watchlist (AWS): read at each run, so it changes without a deploy.
    /// Its value "default" means <see cref="Symbols"/> or the built-in list.
    /// </summary>
    public string? WatchlistParameter { get; set; }

    /// <summary>Comma-separated intraday resolutions to keep (FYERS codes).</summary>
    public string Resolutions { get; set; } = "1";

    /// <summary>How often the local scheduler runs the intraday job during sessions.</summary>
    public TimeSpan IntradayEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often to snapshot quotes during sessions; zero switches quotes off.</summary>
    public TimeSpan QuotesEvery { get; set; } = TimeSpan.Zero;

    /// <summary>How far back a symbol with nothing stored yet starts (trading days are found by the calendar).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int FirstRunLookbackDays { get; set; } = 1;

    /// <summary>
    /// On how many different IST days answers may lack a trading day before that gap is given up (and
    /// listed as such, never "whole") instead of asked again. Reruns on one day count once.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int GapRetries { get; set; } = 3;

    /// <summary>Failures of FYERS itself, of one kind and in a row (series or chunks), after which a run stops asking.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int StopAfterFailures { get; set; } = 3;

    /// <summary>The longest a scheduled job (intraday, eod, quotes, token-check) may run: they tick every 5 minutes.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(4.5);

    /// <summary>The longest one backfill command may run; it is resumable, so the same command continues.</summary>
    public TimeSpan BackfillTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The lake folder for the local sink; defaults to {Tokens:DataDirectory}/lake.</summary>
    public string? LakeDirectory { get; set; }

    /// <summary>Run the in-process scheduler with `serve` (the laptop home). Lambda uses EventBridge instead.</summary>
    public bool LocalScheduler { get; set; } = true;

    public IReadOnlyList<string> Watchlist =>
        string.IsNullOrWhiteSpace(Symbols)
            ? DefaultWatchlist
            : [.. Symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> ResolutionCodes =>
        [.. Resolutions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The intraday resolutions, parsed once (start-up validation has refused any FYERS does not have).</summary>
    public IReadOnlyList<PriceFeed.Fyers.Data.Resolution> ParsedResolutions => parsed ??= [.. ResolutionCodes.Select(PriceFeed.Fyers.Data.Resolution.Parse)];

    private IReadOnlyList<PriceFeed.Fyers.Data.Resolution>? parsed;

    /// <summary>F&amp;O stocks trade continuously only until 15:15 from 3 Aug 2026; all default equities are F&amp;O stocks.</summary>
    public static bool IsFnoStock(string symbol) => symbol.EndsWith("-EQ", StringComparison.Ordinal);
}
