using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>`serve` on the laptop schedules itself: during a session the intraday job runs without anyone asking.</summary>
public sealed class LocalSchedulerTests
{
    [Fact]
    public async Task Serve_DuringASession_FillsTheLakeByItself()
    {
        var duringSession = new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));
        await using var app = await TestApp.StartAsync(now: duringSession);
        await app.LogInAsync();

        // A second app on the same data folder, with the scheduler on, as `pricefeed serve --sandbox` runs it.
        await using var scheduled = await TestApp.StartAsync(now: duringSession, dataDirectory: app.DataDirectory, extraSettings: ["--Ingestion:LocalScheduler=true", "--Live:Enabled=false"]);
        var history = scheduled.App.Services.GetRequiredService<RunHistory>();
        for (var i = 0; i < 200 && history.Latest.Count == 0; i++)
        {
            // Bounded poll for the background service's first pass; no timing is asserted.
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var report = Assert.Single(history.Latest);
        Assert.Equal(Job.Intraday, report.Job);
        Assert.Equal(RunStatus.Ok, report.Status);
        Assert.Equal(2 * 105, (await scheduled.App.Services.GetRequiredService<PriceFeed.Lake.CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), TestContext.Current.CancellationToken)).Count);
    }

    /// <summary>
    /// Issue 21: after the close `serve` runs the end-of-day job by itself, and then, because the live
    /// stream ran that day (its journal has a bar of 11:01), reconciles the day with REST's bars and
    /// stores the report in the lake.
    /// </summary>
    [Fact]
    public async Task Serve_AfterTheClose_RunsTheEndOfDayJob_ThenReconcilesTheStreamedDay()
    {
        var afterTheClose = new DateTimeOffset(2026, 11, 27, 16, 5, 0, TimeSpan.FromMinutes(330));
        var friday = new DateOnly(2026, 11, 27);
        await using var app = await TestApp.StartAsync(now: afterTheClose);
        await app.LogInAsync();
        var elevenOhOne = new DateTimeOffset(2026, 11, 27, 11, 1, 0, TimeSpan.FromMinutes(330));
        app.App.Services.GetRequiredService<PriceFeed.Live.LiveFeed>().Journal.Append([new PriceFeed.Live.LiveBar("NSE:SBIN-EQ", elevenOhOne, 700m, 701m, 699m, 700.5m, 1_000, 60, Complete: true, DayVolume: 2_000_000)]);

        await using var scheduled = await TestApp.StartAsync(now: afterTheClose, dataDirectory: app.DataDirectory, extraSettings: ["--Ingestion:LocalScheduler=true", "--Live:Enabled=false"]);
        var sink = scheduled.App.Services.GetRequiredService<PriceFeed.Lake.IDataSink>();
        byte[]? stored = null;
        for (var i = 0; i < 400 && stored is null; i++)
        {
            // Bounded poll for the background service's end-of-day pass and the reconcile after it.
            await Task.Delay(50, TestContext.Current.CancellationToken);
            stored = await sink.ReadAsync(PriceFeed.Lake.LakeKeys.Reconcile(friday), TestContext.Current.CancellationToken);
        }

        Assert.NotNull(stored);
        var report = Assert.Single(scheduled.App.Services.GetRequiredService<RunHistory>().Latest);
        Assert.Equal((Job.Eod, RunStatus.Ok), (report.Job, report.Status));
        using var json = System.Text.Json.JsonDocument.Parse(stored);
        var sbin = Assert.Single(json.RootElement.GetProperty("symbols").EnumerateArray());
        Assert.Equal(("NSE:SBIN-EQ", 1, 1), (sbin.GetProperty("symbol").GetString(), sbin.GetProperty("live_bars").GetInt32(), sbin.GetProperty("matched").GetInt32()));
        Assert.Contains(scheduled.Logs.Lines, m => m.Contains("The stream's live bars of 2026-11-27 reconciled with REST", StringComparison.Ordinal));
    }
}
