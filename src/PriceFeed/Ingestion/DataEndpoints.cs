using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

/// <summary>One trading day (or weekday holiday) column of the coverage grid.</summary>
public sealed record CoverageDay(string Date, string? Holiday, bool Open);

/// <summary>complete, short, missing, holiday, or open (today's session is still running).</summary>
public sealed record CoverageCell(string State, int Bars, int Expected);

public sealed record CoverageRow(string Symbol, IReadOnlyList<CoverageCell> Cells);

public sealed record CoverageView(IReadOnlyList<CoverageDay> Days, IReadOnlyList<CoverageRow> Rows, bool Synthetic);

/// <summary>A bar for the chart: time as seconds of India wall-clock time (the chart library shows UTC).</summary>
public sealed record ChartBar(long Time, double Open, double High, double Low, double Close, long Volume);

public sealed record CandlesView(string Symbol, string Date, IReadOnlyList<ChartBar> Bars, int Expected, bool Synthetic);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CoverageView))]
[JsonSerializable(typeof(CandlesView))]
internal sealed partial class DataJsonContext : JsonSerializerContext;

/// <summary>
/// What the lake holds, for the page at /data (owner only, like the runs): a coverage grid of the
/// watchlist's 1-minute bars per trading day against the NSE calendar, and the bars of one symbol and
/// day for the chart. Read from the lake the jobs write (the local folder, or S3 on AWS).
/// </summary>
internal static class DataEndpoints
{
    public const int MaxDays = 60;

    public static IServiceCollection AddDataApi(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DataJsonContext.Default));

    public static void MapDataApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/data").WithTags("Data");
        api.MapGet("/coverage", CoverageAsync).WithName("GetCoverage").WithSummary("The watchlist's 1-minute bars per trading day of the last weeks, against the NSE calendar. The owner's browser only.");
        api.MapGet("/candles", CandlesAsync).WithName("GetCandles").WithSummary("One symbol's 1-minute bars of one IST day from the lake. The owner's browser only.");
    }

    public static async Task<Results<Ok<CoverageView>, ProblemHttpResult>> CoverageAsync(int? days, HttpContext context, TokenVault vault, OwnerAccess owner, WatchlistSource watchlist, CandleLake lake, MarketCalendar calendar, TimeProvider time)
    {
        if (await NotOwnerAsync(context, vault, owner) is { } refused)
        {
            return refused;
        }

        var count = Math.Clamp(days ?? 20, 1, MaxDays);
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
        var symbols = (await watchlist.GetAsync(context.RequestAborted)).ToList();
        var bars = new Dictionary<(string Symbol, DateOnly Date), int>();
        var synthetic = false;
        foreach (var (date, session, _) in columns)
        {
            if (session is null)
            {
                continue;
            }

            foreach (var row in await lake.ReadAsync(Resolution.OneMinute.Code, date, context.RequestAborted))
            {
                bars[(row.Symbol, date)] = bars.GetValueOrDefault((row.Symbol, date)) + 1;
                synthetic |= row.Source == "sandbox";
                if (!symbols.Contains(row.Symbol, StringComparer.Ordinal))
                {
                    symbols.Add(row.Symbol); // stored once, since removed from the watchlist: still shown
                }
            }
        }

        var rows = symbols.Select(symbol => new CoverageRow(symbol, [.. columns.Select(c =>
        {
            if (c.Session is not { } session)
            {
                return new CoverageCell("holiday", 0, 0);
            }

            var expected = calendar.ExpectedBars(session, Resolution.OneMinute, IngestionOptions.IsFnoStock(symbol));
            var have = bars.GetValueOrDefault((symbol, c.Date));
            var state = have >= expected ? "complete" : now < session.Close ? "open" : have == 0 ? "missing" : "short";
            return new CoverageCell(state, have, expected);
        })])).ToList();
        var dayViews = columns.Select(c => new CoverageDay(c.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Session is null ? c.Holiday ?? "No session" : null, c.Session is { } s && now < s.Close)).ToList();
        return TypedResults.Ok(new CoverageView(dayViews, rows, synthetic));
    }

    public static async Task<Results<Ok<CandlesView>, ProblemHttpResult>> CandlesAsync(string? symbol, string? date, HttpContext context, TokenVault vault, OwnerAccess owner, CandleLake lake, MarketCalendar calendar)
    {
        if (await NotOwnerAsync(context, vault, owner) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(symbol) || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return TypedResults.Problem("Give symbol=NSE:SBIN-EQ and date=yyyy-MM-dd.", statusCode: 400, title: "Symbol and date needed");
        }

        var rows = (await lake.ReadAsync(Resolution.OneMinute.Code, day, context.RequestAborted)).Where(r => r.Symbol == symbol).OrderBy(r => r.TsUtc).ToList();
        var offset = (long)MarketTime.IstOffset.TotalSeconds;
        var expected = calendar.SessionOn(day) is { } session ? calendar.ExpectedBars(session, Resolution.OneMinute, IngestionOptions.IsFnoStock(symbol)) : 0;
        return TypedResults.Ok(new CandlesView(
            symbol,
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [.. rows.Select(r => new ChartBar(r.TsUtc + offset, r.Open, r.High, r.Low, r.Close, r.Volume))],
            expected,
            rows.Any(r => r.Source == "sandbox")));
    }

    private static async Task<ProblemHttpResult?> NotOwnerAsync(HttpContext context, TokenVault vault, OwnerAccess owner) =>
        owner.IsOwner(context, await vault.ReadAsync(context.RequestAborted))
            ? null
            : TypedResults.Problem("Only the owner's browser sees the data: log in with FYERS on this device first.", statusCode: 403, title: "Owner only");
}
