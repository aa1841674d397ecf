using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;
using PriceFeed.Tokens;

using PriceFeed.Ingestion;

namespace PriceFeed.Coverage;

/// <summary>One trading day (or weekday holiday) column of the coverage grid.</summary>
public sealed record CoverageDay(string Date, string? Holiday, bool Open);

/// <summary>A cell of the coverage grid.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CoverageState>))]
public enum CoverageState
{
    [JsonStringEnumMemberName("complete")]
    Complete,

    [JsonStringEnumMemberName("short")]
    Short,

    [JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>FYERS lacked the day on several days (the gap ledger gave it up).</summary>
    [JsonStringEnumMemberName("given-up")]
    GivenUp,

    [JsonStringEnumMemberName("holiday")]
    Holiday,

    /// <summary>Today's session is still running.</summary>
    [JsonStringEnumMemberName("open")]
    Open,

    /// <summary>A day before the lake's first: never asked for, which <c>pricefeed backfill</c> fills.</summary>
    [JsonStringEnumMemberName("before")]
    Before,
}

public sealed record CoverageCell(CoverageState State, int Bars, int Expected);

public sealed record CoverageRow(string Symbol, IReadOnlyList<CoverageCell> Cells);

/// <param name="FirstDay">The lake's first day of 1-minute bars (yyyy-MM-dd); null while it holds none.</param>
/// <param name="Backfill">The command that fills the shown days before the lake's first; null when there are none.</param>
public sealed record CoverageView(IReadOnlyList<CoverageDay> Days, IReadOnlyList<CoverageRow> Rows, bool Synthetic, string? FirstDay = null, string? Backfill = null);

/// <summary>A bar for the chart: time as seconds of India wall-clock time (the chart library shows UTC).</summary>
/// <param name="Live">Built from the data socket's ticks, until the REST bar of the minute replaces it.</param>
public sealed record ChartBar(long Time, double Open, double High, double Low, double Close, long Volume, bool Live = false);

/// <param name="Streaming">The live stream is running this day's session: the page polls for new bars.</param>
/// <param name="Forming">The minute forming now in the stream (not stored yet); null when none.</param>
public sealed record CandlesView(string Symbol, string Date, IReadOnlyList<ChartBar> Bars, int Expected, bool Synthetic, bool Streaming = false, ChartBar? Forming = null);

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
    /// <summary>What the lake holds: the coverage grid and the verifier, for /data, the feed card and <c>pricefeed verify</c>.</summary>
    public static IServiceCollection AddCoverage(this IServiceCollection services)
    {
        services.AddSingleton<LakeCoverage>();
        services.AddSingleton<LakeVerifier>();
        return services;
    }

    public static IServiceCollection AddDataApi(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DataJsonContext.Default));

    public static void MapDataApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/data").WithTags("Data")
            .AddEndpointFilter(OwnerFilter.Only("Only the owner's browser sees the data: log in with FYERS on this device first."))
            .ProducesProblem(403);
        api.MapGet("/coverage", CoverageAsync).WithName("GetCoverage").WithSummary("The watchlist's 1-minute bars per trading day of the last weeks, against the NSE calendar. The owner's browser only.");
        api.MapGet("/candles", CandlesAsync).WithName("GetCandles").WithSummary("One symbol's 1-minute bars of one IST day from the lake. The owner's browser only.");
    }

    public static async Task<Ok<CoverageView>> CoverageAsync(int? days, HttpContext context, LakeCoverage coverage) =>
        TypedResults.Ok(await coverage.GridAsync(days ?? 20, context.RequestAborted));

    public static async Task<Results<Ok<CandlesView>, ProblemHttpResult>> CandlesAsync(string? symbol, string? date, HttpContext context, CandleLake lake, MarketCalendar calendar, Live.LiveFeed feed)
    {
        if (string.IsNullOrWhiteSpace(symbol) || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return TypedResults.Problem("Give symbol=NSE:SBIN-EQ and date=yyyy-MM-dd.", statusCode: 400, title: "Symbol and date needed");
        }

        var rows = (await lake.ReadAsync(Resolution.OneMinute.Code, day, context.RequestAborted)).Where(r => r.Symbol == symbol).OrderBy(r => r.TsUtc).ToList();
        var offset = (long)MarketTime.IstOffset.TotalSeconds;
        var expected = calendar.SessionOn(day) is { } session ? calendar.ExpectedBars(session, Resolution.OneMinute, IngestionOptions.IsFnoStock(symbol)) : 0;
        // Today's bars as they form (issue 21): while the stream runs this day's session, the minute
        // forming now comes from it, and the page asks again every few seconds.
        var streaming = feed.Status.State is "live" or "reconnecting" && feed.Status.SessionDate == day;
        var forming = streaming && feed.Forming(symbol) is { } bar && !rows.Exists(r => r.TsUtc == bar.Start.ToUnixTimeSeconds())
            ? new ChartBar(bar.Start.ToUnixTimeSeconds() + offset, (double)bar.Open, (double)bar.High, (double)bar.Low, (double)bar.Close, bar.Volume, Live: true)
            : null;
        return TypedResults.Ok(new CandlesView(
            symbol,
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [.. rows.Select(r => new ChartBar(r.TsUtc + offset, r.Open, r.High, r.Low, r.Close, r.Volume, Live: CandleRow.IsLive(r.Source)))],
            expected,
            rows.Any(r => CandleRow.IsSynthetic(r.Source)) || (streaming && feed.Status.Replayed),
            streaming,
            forming));
    }
}
