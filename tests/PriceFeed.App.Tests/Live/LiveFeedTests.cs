using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Lake;
using PriceFeed.Live;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Live;

/// <summary>Issue 21 on a laptop: the watchlist streamed from the sandbox's socket into the tick log and live bars in the lake.</summary>
[Collection(nameof(LiveAlone))]
public sealed class LiveFeedTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The test the sandbox's trade process exists for: the socket sends every trade, so the bars
    /// built from it equal the 1-minute candles REST serves for the same minutes, to the paisa and the
    /// share; and still do when the socket sends every frame twice or carries a cumulative volume past
    /// 2^31 - 1 (late frames: the two tests after this one). The market moves one second at a time on a
    /// manual clock, each step waiting for its two ticks, so the result does not depend on how busy
    /// the machine is.
    /// </summary>
    [Theory]
    [InlineData("none")]
    [InlineData("duplicate frames")]
    [InlineData("volume past 2^31 - 1")]
    public async Task BarsBuiltFromTheSocket_EqualTheRestBarsOfTheSameMinutes_AndTheFirstPartMinuteIsNoBar(string fault)
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, manualClock: true);
        var faults = app.Sandbox.SocketFaults;
        faults.DuplicateFrames = fault == "duplicate frames";
        if (fault == "volume past 2^31 - 1")
        {
            // SBIN's day volume on the wire passes int.MaxValue about half a minute in.
            var market = app.Sandbox.Market;
            var (now, then) = (PriceFeed.Sandbox.Market.SyntheticQuote.At(market, "NSE:SBIN-EQ", FridayEleven).Volume, PriceFeed.Sandbox.Market.SyntheticQuote.At(market, "NSE:SBIN-EQ", FridayEleven.AddMinutes(1)).Volume);
            faults.VolumeOffset = int.MaxValue - ((now + then) / 2);
        }

        var (feed, stop, run) = await StartFeedAsync(app);

        // 11:00:30 to 11:04:05, a second at a time: 11:01, 11:02 and 11:03 are whole minutes.
        await StepAsync(app, feed, 215, TimeSpan.FromSeconds(1));
        await WaitForAsync(() => feed.Status.BarsWritten >= 6, "three minutes of two symbols' bars");
        await stop.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await run.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        stop.Dispose();

        var lake = app.App.Services.GetRequiredService<CandleLake>();
        var live = (await lake.ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.Source == "sandbox-live").OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        var ist = TimeSpan.FromMinutes(330);
        DateTimeOffset[] whole = [new(2026, 11, 27, 11, 1, 0, ist), new(2026, 11, 27, 11, 2, 0, ist), new(2026, 11, 27, 11, 3, 0, ist)];
        // 11:00 was joined at 11:00:30: a part minute, left to REST, not a live bar.
        Assert.Equal(whole.Concat(whole), live.Select(r => r.Start));
        Assert.Equal(2, feed.Status.PartialMinutes);
        Assert.Equal(0, feed.Status.LateTicks);
        // The stream's metrics line, once a minute: live, and about two symbols' 120 ticks in the last
        // minute (the line may be written before the current second's ticks arrive).
        var streamLines = app.Emf.ToString().Split('\n').Where(l => l.Contains("\"Job\":\"stream\"", StringComparison.Ordinal)).ToList();
        Assert.InRange(streamLines.Count, 3, 4);
        using (var metric = System.Text.Json.JsonDocument.Parse(streamLines[^1]))
        {
            Assert.Equal(1, metric.RootElement.GetProperty("StreamLive").GetInt32());
            Assert.InRange(metric.RootElement.GetProperty("TicksPerMinute").GetInt32(), 116, 120);
        }

        // Two symbols trading every second: two ticks a second, never more, whatever was sent twice
        // (one second more when the pump moved the clock past 11:00:31 while logging in).
        Assert.InRange(feed.Status.Ticks, 2 + (215 * 2), 2 + (216 * 2));

        // REST's candles for the same minutes, through the intraday job: they replace the live bars,
        // and they are the same numbers.
        await AssertRestEqualsAsync(app, live, whole, app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunIntradayAsync(Ct));

        // Every tick is in the day's log, stamped with the exchange's time and marked as the sandbox's.
        var ticks = await TickLog.ReadAsync(new TickLog(Path.Combine(app.DataDirectory, "live", "ticks")).PathOf(new DateOnly(2026, 11, 27)), Ct);
        Assert.Equal(feed.Status.Ticks, ticks.Count);
        Assert.All(ticks, t => Assert.Equal(0, t.At.Millisecond));
        Assert.Contains("\"src\":\"sandbox-live\"", await File.ReadAllTextAsync(new TickLog(Path.Combine(app.DataDirectory, "live", "ticks")).PathOf(new DateOnly(2026, 11, 27)), Ct), StringComparison.Ordinal);

        // The day's reconcile: the journal's live bars against REST's. The three whole minutes agree to
        // the paisa and the share, 11:00 is a part minute, and SBIN's cumulative volume on the socket at
        // 11:03:59 equals REST's volume summed from the open through 11:03 (less the offset the fault
        // added on the wire, which the reconcile shows).
        var reconciler = app.App.Services.GetRequiredService<LiveReconciler>();
        var report = (await reconciler.ReconcileAsync(new DateOnly(2026, 11, 27), Ct))!;
        Assert.Equal(["NSE:NIFTY50-INDEX", "NSE:SBIN-EQ"], report.Symbols.Select(x => x.Symbol));
        Assert.All(report.Symbols, x => Assert.Equal((3, 3, 3, 3, 1, 0, 0), (x.LiveBars, x.Matched, x.ClosesMatch, x.HighLowWithinTick, x.PartialMinutes, x.Gaps, x.StillLive)));
        var sbin = report.Symbols[1];
        Assert.Equal(sbin.RestVolume, sbin.LiveVolume);
        Assert.True(sbin.RestDayVolume > sbin.RestVolume * 10, "REST's day volume counts from the open, long before the stream started");
        Assert.Equal(sbin.RestDayVolume + faults.VolumeOffset, sbin.SocketDayVolume);
        Assert.Equal(faults.VolumeOffset == 0, report.Agrees);
        Assert.Equal((0, 0), (report.Drops, report.Refills));
        Assert.NotNull(await app.App.Services.GetRequiredService<IDataSink>().ReadAsync(LiveReconciler.KeyOf(new DateOnly(2026, 11, 27)), Ct));
        Assert.Contains(faults.VolumeOffset == 0 ? "Every live bar agrees with REST." : "Differences for NSE:SBIN-EQ", LiveReconciler.ToText(report), StringComparison.Ordinal);

        // A live bar never replaces a REST bar.
        await lake.MergeAsync([live[0]], Ct);
        Assert.All((await lake.ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.TsUtc == live[0].TsUtc), r => Assert.Equal("sandbox", r.Source));
    }

    /// <summary>
    /// Frames half a second late (every frame, from 11:00:30): each arrives a second after its trade
    /// here, still inside the 2 s grace, so no tick is late and the bars of 11:01 to 11:03 still equal
    /// REST's. The clock moves a second at a time; a step's trades arrive on the next step.
    /// </summary>
    [Fact]
    public async Task FramesLateWithinTheGrace_StillGiveTheRestBars()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, manualClock: true);
        var (feed, stop, run) = await StartFeedAsync(app);
        app.Sandbox.SocketFaults.LateBy = TimeSpan.FromMilliseconds(500);

        // The first step's trades are only sent; from the second on, each step brings the one before.
        var generated = app.Sandbox.SocketRecordsSent;
        app.ManualClock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => app.Sandbox.SocketRecordsSent >= generated + 2, "the first late step's trades");
        await StepAsync(app, feed, 215, TimeSpan.FromSeconds(1));
        await WaitForAsync(() => feed.Status.BarsWritten >= 6, "three minutes of two symbols' bars");
        await stop.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await run.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        stop.Dispose();

        Assert.Equal(0, feed.Status.LateTicks);
        var ist = TimeSpan.FromMinutes(330);
        DateTimeOffset[] whole = [new(2026, 11, 27, 11, 1, 0, ist), new(2026, 11, 27, 11, 2, 0, ist), new(2026, 11, 27, 11, 3, 0, ist)];
        var live = (await app.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Where(r => r.Source == "sandbox-live" && whole.Contains(r.Start)).OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        await AssertRestEqualsAsync(app, live, whole, app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunIntradayAsync(Ct));
    }

    /// <summary>
    /// Frames five minutes late: the trades of 11:00:31 to 11:00:59 arrive from 11:05:31, long after
    /// 11:00 was closed (11:01:02). Each is a late tick: counted, kept in the tick log, put in no bar.
    /// </summary>
    [Fact]
    public async Task FramesLaterThanTheGrace_AreLoggedAndCounted_NotPutInAClosedBar()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, manualClock: true);
        var (feed, stop, run) = await StartFeedAsync(app);
        var start = app.ManualClock.GetUtcNow();
        var ticksBefore = feed.Status.Ticks;
        var elevenOClock = new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.FromMinutes(330));
        var elevenOhOne = elevenOClock.AddMinutes(1);

        // Every second left of 11:00 (after the snapshot's) trades twice, and each is sent 5 minutes on.
        app.Sandbox.SocketFaults.LateBy = TimeSpan.FromMinutes(5);
        var late = 0;
        while (app.ManualClock.GetUtcNow() + TimeSpan.FromSeconds(1) < elevenOhOne)
        {
            var generated = app.Sandbox.SocketRecordsSent;
            app.ManualClock.Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => app.Sandbox.SocketRecordsSent >= generated + 2, $"the trades of {app.ManualClock.GetUtcNow():HH:mm:ss}");
            late += 2;
        }

        // Later trades are held an hour, so only 11:00's arrive in this test.
        app.Sandbox.SocketFaults.LateBy = TimeSpan.FromHours(1);

        // On to 11:06:05, a second at a time, each step's check for closed minutes done (11:00 closes at
        // 11:01:02): 11:00's trades arrive from 11:05:31, all of them after their minute closed.
        while (app.ManualClock.GetUtcNow() < elevenOhOne.AddMinutes(5).AddSeconds(5))
        {
            app.ManualClock.Advance(TimeSpan.FromSeconds(1));
            var now = app.ManualClock.GetUtcNow();
            await WaitForAsync(() => feed.Status.ClosedUpTo >= now - TimeSpan.FromSeconds(1), $"the check for closed minutes at {now:HH:mm:ss.fff} (last at {feed.Status.ClosedUpTo:HH:mm:ss.fff}, state {feed.Status.State})");
        }

        var expected = ticksBefore + late;
        await WaitForAsync(() => feed.Status.Ticks >= expected, $"the {late} late trades of 11:00 (ticks {feed.Status.Ticks} of {expected})");

        await stop.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await run.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        stop.Dispose();

        Assert.Equal(late, feed.Status.LateTicks);
        Assert.InRange(late, 2 * 28, 2 * 30);
        var ticks = await TickLog.ReadAsync(new TickLog(Path.Combine(app.DataDirectory, "live", "ticks")).PathOf(new DateOnly(2026, 11, 27)), Ct);
        Assert.Equal(ticksBefore + late, ticks.Count);
        Assert.Equal(late, ticks.Count(t => t.At >= elevenOClock && t.At < elevenOhOne && t.At > start && t.ReceivedAt - t.At >= TimeSpan.FromMinutes(5)));
        // 11:00 was a part minute and no trade of a later minute has arrived: no live bar at all.
        Assert.DoesNotContain(await app.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), Ct), r => r.Source == "sandbox-live");
    }

    /// <summary>
    /// The sandbox replays Friday's session from 10:00 at ten times real speed while it is Saturday
    /// evening here: the stream runs on the replay's clock, its ticks land in Friday's log marked
    /// replayed, and its bars, marked replayed, equal Friday's REST candles.
    /// </summary>
    [Fact]
    public async Task AReplayedSession_StreamsAtAnyHour_MarkedReplayed_AndItsBarsEqualRest()
    {
        var saturdayEvening = new DateTimeOffset(2026, 11, 28, 20, 0, 0, TimeSpan.FromMinutes(330));
        var replayFrom = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromMinutes(330));
        await using var app = await TestApp.StartAsync(now: saturdayEvening, manualClock: true, sandbox: o => (o.ReplayFrom, o.ReplaySpeed) = (replayFrom, 10));
        var (feed, stop, run) = await StartFeedAsync(app);

        // A replayed second is a tenth of one here: 10:00:00 to 10:03:05 replayed.
        await StepAsync(app, feed, 185, TimeSpan.FromMilliseconds(100));
        await WaitForAsync(() => feed.Status.BarsWritten >= 4, "two minutes of two symbols' bars");
        await stop.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await run.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        stop.Dispose();

        Assert.True(feed.Status.Replayed);
        var lake = app.App.Services.GetRequiredService<CandleLake>();
        var friday = new DateOnly(2026, 11, 27);
        var live = (await lake.ReadAsync("1", friday, Ct)).Where(r => r.Source == "sandbox-replay").OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        DateTimeOffset[] whole = [replayFrom.AddMinutes(1), replayFrom.AddMinutes(2)];
        Assert.Equal(whole.Concat(whole), live.Select(r => r.Start));
        await AssertRestEqualsAsync(app, live, whole, app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunEndOfDayAsync(friday, Ct));

        // A replayed live bar never replaces a REST bar either.
        await lake.MergeAsync([live[0]], Ct);
        Assert.All((await lake.ReadAsync("1", friday, Ct)).Where(r => r.TsUtc == live[0].TsUtc), r => Assert.Equal("sandbox", r.Source));
        var logPath = new TickLog(Path.Combine(app.DataDirectory, "live", "ticks")).PathOf(friday);
        var log = await File.ReadAllTextAsync(logPath, Ct);
        Assert.DoesNotContain("sandbox-live", log, StringComparison.Ordinal);
        Assert.Contains("\"src\":\"sandbox-replay\"", log, StringComparison.Ordinal);

        // Queryable before compaction, from the log. The replay is still at 10:03, so its day is not
        // over (CompactFinishedAsync leaves it); compacted by hand into the lake's ticks dataset, the
        // same query reads the same ticks from Parquet, prices exact.
        const string Sql = "SELECT count(*) AS n, count(DISTINCT symbol) AS symbols, min(typeof(price)) AS price_type, min(source) AS source, sum(price) AS total FROM ticks WHERE date = '2026-11-27'";
        var before = await QueryAsync(app, Sql);
        var compactor = app.App.Services.GetRequiredService<TickCompactor>();
        Assert.Empty(await compactor.CompactFinishedAsync(Ct));
        var day = await compactor.CompactAsync(friday, Ct);
        var after = await QueryAsync(app, Sql);

        Assert.Equal((friday, feed.Status.Ticks), (day.Date, (long)day.Ticks));
        Assert.False(File.Exists(logPath));
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "ticks", "date=2026-11-27", "part-000.parquet")));
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "_state", "hashes", "ticks", "date=2026-11-27", "part-000.parquet.sha256")));
        Assert.Contains($"{feed.Status.Ticks}", before, StringComparison.Ordinal);
        Assert.Contains("DECIMAL(18,4)", before, StringComparison.Ordinal);
        Assert.Contains("sandbox-replay", before, StringComparison.Ordinal);
        Assert.Equal(before, after);
        Assert.Contains("(2 rows)", await QueryAsync(app, await DocsExamples.QueryAsync("Ticks per symbol on a day, with their price range and the volume they carried")), StringComparison.Ordinal);
        Assert.Contains("sandbox", await QueryAsync(app, await DocsExamples.QueryAsync("Live bars next to the REST bars of the same minutes")), StringComparison.Ordinal);

        // verify reads the ticks too: the day and its ticks, and a changed byte is caught by the hash.
        var verifier = app.App.Services.GetRequiredService<PriceFeed.Coverage.LakeVerifier>();
        var check = await verifier.CheckAsync(Ct);
        Assert.Equal((1, feed.Status.Ticks), (check.TickDays, check.Ticks));
        Assert.Empty(check.TickLogsNotCompacted);
        var file = Path.Combine(app.LakeDirectory, "ticks", "date=2026-11-27", "part-000.parquet");
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes, Ct);
        Assert.Contains((await verifier.CheckAsync(Ct)).Unreadable, u => u.StartsWith("ticks/date=2026-11-27/part-000.parquet", StringComparison.Ordinal));
    }

    private static async Task<string> QueryAsync(TestApp app, string sql)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PriceFeed.Cli.QueryCommand.RunAsync(app.LakeDirectory, sql, null, output, error, Ct, new PriceFeed.Cli.QueryCommand.ExportRules(app.DataDirectory));
        Assert.True(code == 0, error.ToString());
        return output.ToString();
    }

    /// <summary>Logs in and starts the feed on the app's manual clock; returns once it is live with both snapshots.</summary>
    private static async Task<(LiveFeed Feed, CancellationTokenSource Stop, Task<LiveFeedEnd> Run)> StartFeedAsync(TestApp app)
    {
        var limiter = app.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>();
        await FakeClockPump.RunAsync(app.LogInAsync(), app.ManualClock, limiter);
        var feed = app.App.Services.GetRequiredService<LiveFeed>();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(() => feed.RunAsync(stop.Token), Ct);
        // symbol-token goes through the rate limiter, which waits on the manual clock: pumped.
        await FakeClockPump.RunAsync(WaitForAsync(() => feed.Status.State == "live" && feed.Status.Ticks >= 2, "live with both snapshots"), app.ManualClock, limiter);
        return (feed, stop, run);
    }

    /// <summary>Moves the manual clock a step at a time, each step waiting for its two ticks (two symbols trading every second).</summary>
    private static async Task StepAsync(TestApp app, LiveFeed feed, int steps, TimeSpan step)
    {
        for (var i = 0; i < steps; i++)
        {
            var seen = feed.Status.Ticks;
            app.ManualClock.Advance(step);
            await WaitForAsync(() => feed.Status.Ticks >= seen + 2, $"the two ticks of step {i + 1}");
        }
    }

    /// <summary>Runs a REST job (pumped), then checks its bars for <paramref name="minutes"/> replaced the live ones and equal them.</summary>
    private static async Task AssertRestEqualsAsync(TestApp app, List<CandleRow> live, DateTimeOffset[] minutes, Task job)
    {
        await FakeClockPump.RunAsync(job, app.ManualClock, app.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>());
        var lake = app.App.Services.GetRequiredService<CandleLake>();
        var rest = (await lake.ReadAsync("1", PriceFeed.Fyers.Data.MarketTime.IstDate(minutes[0]), Ct)).Where(r => minutes.Contains(r.Start)).OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        Assert.All(rest, r => Assert.Equal("sandbox", r.Source));
        Assert.Equal(
            rest.Select(r => (r.Symbol, r.Start, r.Open, r.High, r.Low, r.Close, r.Volume)),
            live.Select(r => (r.Symbol, r.Start, r.Open, r.High, r.Low, r.Close, r.Volume)));
        Assert.Contains(live, r => r.Volume > 0);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"Waited 20 s for {what}.");
            await Task.Delay(5, Ct);
        }
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
        // Live once subscribed; the snapshots' ticks follow a moment later.
        while ((feed.Status.State != "live" || feed.Status.Ticks < 2) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("live", feed.Status.State);
        Assert.Equal(1, app.Sandbox.SocketsAccepted);

        // The page's feed card says so.
        using var owner = await app.NewBrowser().AsOwnerAsync();
        var line = (await owner.StatusAsync()).GetProperty("feed").GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("job").GetString() == "stream");
        Assert.Matches("^stream: live · 2 symbols · [0-9]+ ticks in the last minute · last tick [0-9]+ s ago · ", line.GetProperty("text").GetString());
        Assert.Equal("ok", line.GetProperty("tone").GetString());

        // And so does `pricefeed status`, another process, from the status file the stream rewrites every second.
        var file = StreamSnapshot.PathIn(new PriceFeed.Home.DataFolder(app.DataDirectory));
        waited.Restart();
        while (!File.Exists(file) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var (_, output) = await CliProcess.RunOnStoreAsync(app, "status");
        Assert.Matches("  stream: live · 2 symbols · [0-9]+ ticks in the last minute · ", output);
    }

    [Fact]
    public void AStreamWhoseProcessWentAway_IsSaidToBeNotRunning_NotLive()
    {
        var now = new DateTimeOffset(2026, 11, 27, 11, 30, 0, TimeSpan.FromMinutes(330));
        var token = new PriceFeed.Tokens.TokenStatus(PriceFeed.Tokens.TokenState.Missing, "No FYERS token is stored yet.", null, null, null, null, null, null, null);
        var killed = new StreamSnapshot("live", 2, 900, 120, now.AddMinutes(-5), 10, 0, false, new DateOnly(2026, 11, 27), null, now.AddMinutes(-5));

        var line = PriceFeed.Status.FeedHealth.StreamLine(killed, token, now);

        Assert.Equal(("gone", "warn"), (line.Status, line.Tone));
        Assert.StartsWith("stream: not running since 11:25 IST (it was live)", line.Text, StringComparison.Ordinal);
        Assert.Equal("live", PriceFeed.Status.FeedHealth.StreamLine(killed with { TakenAt = now.AddSeconds(-2) }, token, now).Status);
    }
}

/// <summary>Issue 21: serve --sandbox started when NSE is shut replays the latest session, so the stream shows at any hour.</summary>
public sealed class ReplayWhenClosedTests
{
    [Fact]
    public async Task ServeOnASaturdayEvening_ReplaysFridaysSession_AndStreamsIt()
    {
        var saturdayEvening = new DateTimeOffset(2026, 11, 28, 20, 0, 0, TimeSpan.FromMinutes(330));
        await using var app = await TestApp.StartAsync(now: saturdayEvening, sandbox: o => o.ReplayWhenClosed = true, extraSettings: "--Ingestion:LocalScheduler=true");
        Assert.True(app.Sandbox.Replaying);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330)), app.Sandbox.MarketTime.GetUtcNow(), TimeSpan.FromSeconds(5));

        await app.LogInAsync();
        var feed = app.App.Services.GetRequiredService<LiveFeed>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((feed.Status.State != "live" || feed.Status.Ticks < 2) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("live", feed.Status.State);
        Assert.True(feed.Status.Replayed);

        // The page's feed card says it is a replay, not the market today.
        using var owner = await app.NewBrowser().AsOwnerAsync();
        var line = (await owner.StatusAsync()).GetProperty("feed").GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("job").GetString() == "stream");
        Assert.StartsWith("stream: replaying Fri 27 Nov (synthetic) · 2 symbols · ", line.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
