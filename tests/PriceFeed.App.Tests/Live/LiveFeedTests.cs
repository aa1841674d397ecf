using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Lake;
using PriceFeed.Live;

namespace PriceFeed.App.Tests.Live;

/// <summary>Issue 21 on a laptop: the watchlist streamed from the sandbox's socket into the tick log and live bars in the lake.</summary>
public sealed class LiveFeedTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheWatchlist_StreamsIntoTicks_AndEachClosedMinuteBecomesALiveBar_ThatARestBarReplaces()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        var feed = app.App.Services.GetRequiredService<LiveFeed>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = feed.RunAsync(stop.Token);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        // Live, and both snapshots taken as 11:00 ticks (the subscribe reply comes before them).
        while ((feed.Status.State != "live" || feed.Status.Ticks < 2) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, Ct);
        }

        // The market moves on: the sandbox's next updates belong to 11:01, which closes 11:00.
        app.Clock.Advance(TimeSpan.FromSeconds(40));
        waited.Restart();
        while (feed.Status.BarsWritten < 2 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, Ct);
        }

        await stop.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await run);
        Assert.Equal(2, feed.Status.Topics);
        Assert.True(feed.Status.Ticks >= 2, $"{feed.Status.Ticks} ticks");
        var lake = app.App.Services.GetRequiredService<CandleLake>();
        var live = (await lake.ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.Source == "sandbox-live").ToList();
        Assert.Equal(["NSE:NIFTY50-INDEX", "NSE:SBIN-EQ"], live.Select(r => r.Symbol).Order().ToArray());
        Assert.All(live, r => Assert.Equal(new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.FromMinutes(330)), r.Start));
        var ticks = await TickLog.ReadAsync(new TickLog(Path.Combine(app.DataDirectory, "live", "ticks")).PathOf(new DateOnly(2026, 11, 27)), Ct);
        Assert.True(ticks.Count >= 2);

        // The intraday job's REST bars replace the live ones; a live bar never replaces a REST bar.
        await app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunIntradayAsync(Ct);
        var after = (await lake.ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.TsUtc == live[0].TsUtc).ToList();
        Assert.All(after, r => Assert.Equal("sandbox", r.Source));
        await lake.MergeAsync([live[0]], Ct);
        Assert.All((await lake.ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.TsUtc == live[0].TsUtc), r => Assert.Equal("sandbox", r.Source));
    }

    [Fact]
    public async Task WithoutAToken_TheFeedSaysLoginNeeded_AndOpensNoSocket()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);

        var end = await app.App.Services.GetRequiredService<LiveFeed>().RunAsync(Ct);

        Assert.Equal(LiveFeedEnd.LoginNeeded, end);
        Assert.Equal(0, app.Sandbox.SocketsAccepted);
    }
}

/// <summary>Issue 21: serve streams during the session by itself, and after a login it starts without a restart.</summary>
public sealed class LiveSchedulerTests
{
    [Fact]
    public async Task Serve_StreamsDuringTheSession_WaitingForTheLoginInsteadOfRetrying()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)), extraSettings: "--Ingestion:LocalScheduler=true");
        var feed = app.App.Services.GetRequiredService<LiveFeed>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (feed.Status.State != "login-needed" && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("login-needed", feed.Status.State);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(0, app.Sandbox.SocketsAccepted); // no retrying while nobody logged in

        await app.LogInAsync();
        waited.Restart();
        while (feed.Status.State != "live" && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("live", feed.Status.State);
        Assert.Equal(1, app.Sandbox.SocketsAccepted);

        // The page's feed card says so.
        using var owner = await app.NewBrowser().AsOwnerAsync();
        var line = (await owner.StatusAsync()).GetProperty("feed").GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("job").GetString() == "stream");
        Assert.StartsWith("stream: live · 2 topics · ", line.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", line.GetProperty("tone").GetString());
    }
}
