using System.Text.Json;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Status;

/// <summary>Issue 13: /data's API: the coverage grid against the NSE calendar, and one symbol-day's bars, the owner's only.</summary>
public sealed class DataViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Coverage_MarksCompleteMissingAndRunningDays_AndCandlesChartInIndiaTime()
    {
        // Friday 27 Nov 2026, 08:30 IST: a backfill stored Friday 20 Nov, the EOD job stores Thursday;
        // the days between are missing, those before the 20th were never asked for.
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        var runner = app.App.Services.GetRequiredService<IngestionRunner>();
        var backfill = await runner.RunBackfillAsync(new BackfillRequest(new(2026, 11, 20), new(2026, 11, 20), ["NSE:SBIN-EQ", "NSE:NIFTY50-INDEX"], ["1"], null), null, Ct);
        var eod = await runner.RunEndOfDayAsync(null, Ct);
        using var owner = await app.NewBrowser().AsOwnerAsync();
        using var stranger = app.NewBrowser();

        var coverage = await owner.GetJsonAsync("api/data/coverage?days=5");
        var candles = await owner.GetJsonAsync("api/data/candles?symbol=NSE%3ASBIN-EQ&date=2026-11-26");
        using var refused = await stranger.SendAsync(HttpMethod.Get, "api/data/coverage");
        using var refusedCandles = await stranger.SendAsync(HttpMethod.Get, "api/data/candles?symbol=NSE%3ASBIN-EQ&date=2026-11-26");
        using var page = await stranger.SendAsync(HttpMethod.Get, "data");

        Assert.Equal((RunStatus.Ok, RunStatus.Ok), (backfill.Status, eod.Status));
        var days = coverage.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("date").GetString()).ToList();
        Assert.Equal(["2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"], days); // five sessions, today's running one included; the weekend left out, the holiday shown
        Assert.Equal("Prakash Gurpurb Sri Guru Nanak Dev", coverage.GetProperty("days")[2].GetProperty("holiday").GetString());
        var sbin = coverage.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("symbol").GetString() == "NSE:SBIN-EQ").GetProperty("cells");
        Assert.Equal(["complete", "missing", "holiday", "missing", "complete", "open"], sbin.EnumerateArray().Select(c => c.GetProperty("state").GetString()));
        Assert.Equal("2026-11-20", coverage.GetProperty("firstDay").GetString());
        Assert.Equal(JsonValueKind.Null, coverage.GetProperty("backfill").ValueKind);

        // Further back: the days before the lake's first are "before", with the command that fetches them.
        var wider = await owner.GetJsonAsync("api/data/coverage?days=10");
        var wideSbin = wider.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("symbol").GetString() == "NSE:SBIN-EQ").GetProperty("cells");
        Assert.Equal(["before", "before", "before", "before", "before", "complete"], wideSbin.EnumerateArray().Take(6).Select(c => c.GetProperty("state").GetString()));
        Assert.Equal("pricefeed backfill --from 2026-11-13 --to 2026-11-19", wider.GetProperty("backfill").GetString());
        Assert.Equal((360, 360), (sbin[4].GetProperty("bars").GetInt32(), sbin[4].GetProperty("expected").GetInt32()));
        var nifty = coverage.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("symbol").GetString() == "NSE:NIFTY50-INDEX").GetProperty("cells");
        Assert.Equal(375, nifty[4].GetProperty("bars").GetInt32());
        Assert.True(coverage.GetProperty("synthetic").GetBoolean());

        var bars = candles.GetProperty("bars");
        Assert.Equal(360, bars.GetArrayLength());
        // 09:15 IST shown as 09:15 on the chart (which reads times as UTC).
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 15, 0, TimeSpan.Zero).ToUnixTimeSeconds(), bars[0].GetProperty("time").GetInt64());

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedCandles.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the page itself is static; its data is the owner's
    }
}
