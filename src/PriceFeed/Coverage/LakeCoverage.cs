using System.Globalization;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

using PriceFeed.Ingestion;

namespace PriceFeed.Coverage;

/// <summary>A watchlist symbol with fewer 1-minute bars than its finished session has.</summary>
public sealed record ShortSymbol(string Symbol, int Bars, int Expected);

/// <summary>
/// The watchlist's 1-minute bars in the lake for the latest session that has started: while it runs,
/// how far the bars reach; once it closed, which symbols are complete. Problem is set (and the rest
/// empty) when the lake could not be read.
/// </summary>
public sealed record SessionCoverage(
    DateOnly Date,
    DateTimeOffset Open,
    DateTimeOffset Close,
    bool Running,
    int Symbols,
    int Complete,
    long Bars,
    long Expected,
    DateTimeOffset? LatestBarEnd,
    IReadOnlyList<ShortSymbol> Short,
    string? Problem = null)
{
    /// <summary>Symbol-days of any date FYERS lacked on several days, given up (listed by <c>pricefeed verify</c>).</summary>
    public int GivenUp { get; init; }
}

/// <summary>
/// What the lake holds of the watchlist against the NSE calendar: the grid of /data, and the latest
/// session for the feed card, /api/status and <c>pricefeed status</c>. Reads the lake the jobs write
/// (the local folder or S3): one day file for the feed card, one per trading day for the grid.
/// </summary>
internal sealed partial class LakeCoverage(WatchlistSource watchlist, CandleLake lake, GapLedger gapLedger, MarketCalendar calendar, TimeProvider time, ILogger<LakeCoverage> logger)
{
    public const int MaxDays = 60;

    /// <summary>The latest session that has started by now (null before any, or with an empty watchlist).</summary>
    public async Task<SessionCoverage?> LatestSessionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (calendar.LatestSessionStartedBy(now) is not { } session)
        {
            return null;
        }

        var symbols = await watchlist.GetAsync(cancellationToken);
        if (symbols.Count == 0)
        {
            return null;
        }

        var running = now < session.Close;
        List<CandleRow> rows;
        try
        {
            rows = await lake.ReadAsync(Resolution.OneMinute.Code, session.Date, cancellationToken);
        }
        catch (Exception e) when (e is IOException or Amazon.Runtime.AmazonServiceException)
        {
            return new SessionCoverage(session.Date, session.Open, session.Close, running, symbols.Count, 0, 0, 0, null, [], e.Message);
        }

        var counts = rows.GroupBy(r => r.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var watched = new HashSet<string>(symbols, StringComparer.Ordinal);
        var latest = rows.Where(r => watched.Contains(r.Symbol)).Select(r => (long?)r.TsUtc).Max();
        var shortOnes = new List<ShortSymbol>();
        long bars = 0, expected = 0;
        foreach (var symbol in symbols)
        {
            var have = counts.GetValueOrDefault(symbol);
            var full = calendar.ExpectedBars(session, Resolution.OneMinute, IngestionOptions.IsFnoStock(symbol));
            bars += have;
            expected += full;
            if (!running && have < full)
            {
                shortOnes.Add(new ShortSymbol(symbol, have, full));
            }
        }

        var givenUp = (await GapsAsync(cancellationToken)).Values.Count(g => g.GivenUp);
        return new SessionCoverage(
            session.Date,
            session.Open,
            session.Close,
            running,
            symbols.Count,
            running ? 0 : symbols.Count - shortOnes.Count,
            bars,
            expected,
            latest is { } ts ? DateTimeOffset.FromUnixTimeSeconds(ts).AddMinutes(1) : null,
            shortOnes) { GivenUp = givenUp };
    }

    /// <summary>The grid of /data: the last <paramref name="days"/> trading days (weekday holidays shown between them).</summary>
    public async Task<CoverageView> GridAsync(int days, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(days, 1, MaxDays);
        var now = time.GetUtcNow();
        var today = MarketTime.IstDate(now);
        var columns = new List<(DateOnly Date, TradingSession? Session, string? Holiday)>();
        for (var date = today; columns.Count(c => c.Session is not null) < count && date > today.AddDays(-3 * MaxDays); date = date.AddDays(-1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && calendar.SessionOn(date) is null)
            {
                continue;
            }

            columns.Add((date, calendar.SessionOn(date), calendar.HolidayName(date)));
        }

        columns.Reverse();
        var symbols = (await watchlist.GetAsync(cancellationToken)).ToList();
        var bars = new Dictionary<(string Symbol, DateOnly Date), int>();
        var synthetic = false;
        foreach (var (date, session, _) in columns)
        {
            if (session is null)
            {
                continue;
            }

            foreach (var row in await lake.ReadAsync(Resolution.OneMinute.Code, date, cancellationToken))
            {
                bars[(row.Symbol, date)] = bars.GetValueOrDefault((row.Symbol, date)) + 1;
                synthetic |= CandleRow.IsSynthetic(row.Source);
                if (!symbols.Contains(row.Symbol, StringComparer.Ordinal))
                {
                    symbols.Add(row.Symbol); // stored once, since removed from the watchlist: still shown
                }
            }
        }

        // Given up is its own state (issue 19): FYERS lacked the day on several days; not "missing" (we
        // will ask again) and never "complete".
        var gaps = await GapsAsync(cancellationToken);
        var first = await lake.FirstDateAsync(Resolution.OneMinute.Code, cancellationToken);
        var rows = symbols.Select(symbol => new CoverageRow(symbol, [.. columns.Select(c =>
        {
            if (c.Session is not { } session)
            {
                return new CoverageCell(CoverageState.Holiday, 0, 0);
            }

            var expected = calendar.ExpectedBars(session, Resolution.OneMinute, IngestionOptions.IsFnoStock(symbol));
            var have = bars.GetValueOrDefault((symbol, c.Date));
            var state = have >= expected ? CoverageState.Complete
                : now < session.Close ? CoverageState.Open
                : first is null || c.Date < first ? CoverageState.Before
                : gaps.TryGetValue(GapLedger.Key(symbol, Resolution.OneMinute.Code, c.Date), out var gap) && gap.GivenUp ? CoverageState.GivenUp
                : have == 0 ? CoverageState.Missing : CoverageState.Short;
            return new CoverageCell(state, have, expected);
        })])).ToList();
        var dayViews = columns.Select(c => new CoverageDay(c.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Session is null ? c.Holiday ?? "No session" : null, c.Session is { } s && now < s.Close)).ToList();
        return new CoverageView(dayViews, rows, synthetic, first?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), BackfillCommand(columns, first, now));
    }

    /// <summary>
    /// The days shown before the lake's first were never asked for: not gaps of the feed, which
    /// starts with the first login, but what a backfill fills. The command covers the finished ones.
    /// </summary>
    private static string? BackfillCommand(List<(DateOnly Date, TradingSession? Session, string? Holiday)> columns, DateOnly? first, DateTimeOffset now)
    {
        var before = columns.Where(c => c.Session is { } s && s.Close + CandleJob.SettleTime <= now && (first is null || c.Date < first)).Select(c => c.Date).ToList();
        return before.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"pricefeed backfill --from {before.Min():yyyy-MM-dd} --to {before.Max():yyyy-MM-dd}");
    }

    /// <summary>
    /// The gap ledger for showing given-up days. It is an extra on the page, not its purpose: when it
    /// cannot be read (on S3 a missing object answers 403 to a role that may not list its folder), the
    /// page shows no given-up days instead of failing, and says why in the log.
    /// </summary>
    private async Task<Dictionary<string, GapEntry>> GapsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await gapLedger.ReadAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or Amazon.Runtime.AmazonServiceException)
        {
            Log.GapsUnreadable(logger, e.Message);
            return [];
        }
    }

    private static partial class Log
    {
        [LoggerMessage(61, LogLevel.Warning, "The gap ledger could not be read for the page ({Error}); given-up days are not shown.")]
        public static partial void GapsUnreadable(ILogger logger, string error);
    }
}
