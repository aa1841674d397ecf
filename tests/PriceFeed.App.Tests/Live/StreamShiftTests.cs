using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Lake;
using PriceFeed.Live;
using PriceFeed.Sandbox.Socket;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Live;

/// <summary>
/// Issue 22: the stream in Lambda shifts that hand the watchlist over through the lake, against the
/// sandbox's socket and moto as the S3 lake (it enforces the conditional writes the handover needs).
/// The market moves a second at a time on manual clocks, each step waiting for its ticks, so what
/// the shifts see does not depend on how busy the machine is.
/// </summary>
[Trait("Category", "Emulator")]
[Collection(nameof(LiveAlone))]
public sealed class StreamShiftTests(MotoLake moto) : IClassFixture<MotoLake>
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, Ist);
    private static readonly DateOnly Friday = new(2026, 11, 27);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Three shifts back to back, each started 3 minutes after the one before and given 4.5 minutes
    /// (on AWS: every 10 minutes, 15 at most), beside one connection that streams the whole time in a
    /// second app. Whether FYERS keeps both connections of a user or closes the older one, the lake
    /// ends with the same ticks as the one connection's log, none twice, and the same bars for every
    /// whole minute. With both connections kept, every minute's bar comes from the stream, written by
    /// exactly one shift; with the older one closed, the minute of each handover is a part minute in
    /// both shifts, measured as a 60 s gap and filled from REST by the newer shift.
    /// </summary>
    [Theory]
    [InlineData(SecondConnection.Allow)]
    [InlineData(SecondConnection.EvictOld)]
    public async Task ThreeShiftsBackToBack_StoreTheTicksAndBarsOfOneConnection(SecondConnection mode)
    {
        await using var reference = await TestApp.StartAsync(now: FridayEleven, manualClock: true);
        await using var aws = await TestApp.StartAsync(now: FridayEleven, manualClock: true, sandbox: o => o.Socket.SecondConnection = mode, extraSettings: moto.Settings($"handover-{mode}"));
        var market = new Lockstep(reference, aws);
        await market.LogInAsync();
        var start = market.Now;

        var continuous = reference.App.Services.GetRequiredService<LiveFeed>();
        using var stopContinuous = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var continuousRun = Task.Run(() => continuous.RunAsync(stopContinuous.Token), Ct);
        var shifts = aws.App.Services.GetRequiredService<StreamShift>();
        var runs = new List<Task<ShiftReport>> { Task.Run(() => shifts.RunAsync(start + TimeSpan.FromMinutes(4.5), Ct), Ct) };
        await market.UntilAsync(() => continuous.Status.State == "live" && shifts.Running.Keys.Any(f => f.Status.State == "live"), "the connection and the first shift live");

        // Nine minutes, a second at a time; the second and third shifts start at 3 and 6 minutes. The
        // third is given until the end (its 20 s margin off its deadline).
        var end = market.Now + TimeSpan.FromMinutes(9);
        for (var second = 1; market.Now < end; second++)
        {
            if (second is 180 or 360)
            {
                var deadline = second == 360 ? end + TimeSpan.FromSeconds(25) : market.Now + TimeSpan.FromMinutes(4.5);
                runs.Add(Task.Run(() => shifts.RunAsync(deadline, Ct), Ct));
            }

            await market.StepAsync(continuous, shifts);
        }

        await stopContinuous.CancelAsync();
        Assert.Equal(LiveFeedEnd.Stopped, await continuousRun.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        var reports = await market.FinishAsync(runs);

        // Who did what: each shift handed over to the next, the last ended at its deadline.
        Assert.Equal(["handed-over", "handed-over", "ended"], reports.Select(r => r.Outcome));
        Assert.Equal([null, reports[0].Shift, reports[1].Shift], reports.Select(r => r.Predecessor));
        Assert.Equal([reports[1].Shift, reports[2].Shift, null], reports.Select(r => r.Successor));
        Assert.All(reports, r => Assert.True(r.Uploads >= 2, $"{r.Shift} uploaded its ticks {r.Uploads} times"));

        // One connection per shift: a shift whose connection FYERS closed for a newer one does not
        // come back and close the newer one in turn.
        Assert.Equal(3, aws.Sandbox.SocketsAccepted);

        // The same ticks as the one connection, none twice (the edges of the nine minutes left out:
        // the two started and stopped a moment apart).
        var sink = aws.App.Services.GetRequiredService<IDataSink>();
        var compactor = aws.App.Services.GetRequiredService<TickCompactor>();
        Assert.Empty(await compactor.FinishedStagedDaysAsync(Ct)); // the day is not over yet

        // After the close, verify names the staged day until the end-of-day job compacts it.
        aws.ManualClock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 16, 10, 0, Ist));
        var verifier = aws.App.Services.GetRequiredService<PriceFeed.Coverage.LakeVerifier>();
        Assert.Equal([Friday], (await verifier.CheckAsync(Ct)).StagedTicksNotCompacted);
        // The shift after the close has no session to stream: it compacts the staged day.
        var afterClose = await FakeClockPump.RunAsync(shifts.RunAsync(aws.ManualClock.GetUtcNow() + TimeSpan.FromMinutes(15), Ct), aws.ManualClock, aws.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>());
        Assert.Equal("compacted", afterClose.Outcome);
        Assert.Empty((await verifier.CheckAsync(Ct)).StagedTicksNotCompacted);

        Assert.Empty(await sink.ListAsync(StreamShift.StagingOf(Friday), Ct));
        var stored = new List<LiveTick>();
        await foreach (var tick in TickParquet.ReadEachAsync((await sink.ReadAsync(LakeKeys.Ticks(Friday), Ct))!, Ct))
        {
            stored.Add(tick);
        }

        Assert.Contains($"2026-11-27 ({stored.Count:N0} ticks)", afterClose.Detail, StringComparison.Ordinal);

        // Both connections kept: the overlap's ticks came twice and are stored once. (With the older
        // closed, a newer shift's snapshots may repeat the last ticks the older one logged.)
        Assert.True(mode != SecondConnection.Allow || reports.Sum(r => r.Ticks) > stored.Count, "the overlap's ticks were seen twice and stored once");
        var logged = await TickLog.ReadAsync(new TickLog(Path.Combine(reference.DataDirectory, "live", "ticks")).PathOf(Friday), Ct);
        var (from, to) = (start + TimeSpan.FromSeconds(5), end - TimeSpan.FromSeconds(5));
        static IEnumerable<(string, DateTimeOffset, decimal, long?)> Window(IEnumerable<LiveTick> ticks, DateTimeOffset from, DateTimeOffset to) =>
            ticks.Where(t => t.At >= from && t.At < to).Select(t => (t.Symbol, t.At, t.Price, t.DayVolume)).Distinct().Order();
        var expected = Window(logged, from, to).ToList();
        Assert.True(expected.Count > 2 * 500, $"the connection logged {expected.Count} ticks in the window");
        Assert.Equal(expected, Window(stored, from, to));
        Assert.Equal(stored.Count, stored.Select(t => (t.Symbol, t.At, t.Price, t.DayVolume)).Distinct().Count());
        Assert.All(stored, t => Assert.Equal("sandbox-live", t.Source));

        // The same bars for every whole minute the one connection saw.
        var firstWhole = Minute(start) + TimeSpan.FromMinutes(1);
        var minutes = Enumerable.Range(0, (int)((Minute(end) - firstWhole).TotalMinutes)).Select(i => firstWhole.AddMinutes(i)).ToList();
        var continuousBars = (await reference.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", Friday, Ct)).Where(r => r.Source == "sandbox-live" && minutes.Contains(r.Start)).OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        var lakeBars = (await aws.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", Friday, Ct)).Where(r => minutes.Contains(r.Start)).OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToList();
        Assert.Equal(2 * minutes.Count, continuousBars.Count);
        Assert.Equal(
            continuousBars.Select(r => (r.Symbol, r.Start, r.Open, r.High, r.Low, r.Close, r.Volume)),
            lakeBars.Select(r => (r.Symbol, r.Start, r.Open, r.High, r.Low, r.Close, r.Volume)));

        if (mode == SecondConnection.Allow)
        {
            // Every minute from the stream, each written by one shift: no handover gap, no refill.
            Assert.All(lakeBars, r => Assert.Equal("sandbox-live", r.Source));
            Assert.Equal(lakeBars.Count, reports.Sum(r => r.BarsWritten));
            Assert.Equal([0d, 0d], reports.Skip(1).Select(r => r.HandoverGapSeconds));
            Assert.All(reports, r => Assert.False(r.Refilled));
        }
        else
        {
            // FYERS closed the older connection at each newer one's login: the minute it happened in
            // is no shift's whole minute, a 60 s gap, and REST's bar for it came in by the refill.
            Assert.Equal([60d, 60d], reports.Skip(1).Select(r => r.HandoverGapSeconds));
            Assert.All(reports.Skip(1), r => Assert.True(r.Refilled));
            // Every other minute was written by one shift (the refill's REST bars then replaced the
            // live ones of the minutes before it, as REST bars always do).
            Assert.Equal(lakeBars.Count - (2 * 2), reports.Sum(r => r.BarsWritten));
            Assert.Contains(lakeBars, r => r.Source == "sandbox");
        }

        // The handover object: the last shift ended it, with where its bars end.
        var (baton, _) = await ShiftBaton.ReadAsync(sink, Ct);
        Assert.Equal((reports[2].Shift, Minute(end)), (baton!.Shift, baton.CoveredUntil));
        Assert.NotNull(baton.EndedAt);
        Assert.Null(await ShiftBaton.StatusAsync(sink, Ct));
    }

    /// <summary>
    /// The shift before is gone when the next one comes: killed mid-stream with its function (its
    /// handover object stops being rewritten), or ended at its deadline because the next shift started
    /// late. The next shift does not wait for it: it streams, reports the minutes no shift wrote
    /// (from the last bar the handover object records to its own first whole minute) as the handover
    /// gap, with its metric, and fills them from REST. What the killed shift uploaded is kept.
    /// </summary>
    [Theory]
    [InlineData("killed")]
    [InlineData("ended at its deadline")]
    public async Task AShiftGoneBeforeTheNextCame_LeavesAMeasuredGap_ThatTheNextRefillsFromRest(string how)
    {
        await using var aws = await TestApp.StartAsync(now: FridayEleven, manualClock: true, extraSettings: moto.Settings($"gone-{how.Replace(' ', '-')}"));
        var market = new Lockstep(aws);
        await market.LogInAsync();
        var start = market.Now;
        var shifts = aws.App.Services.GetRequiredService<StreamShift>();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // Killed at 11:02:10, or given a deadline that ends it at 11:02:10 (its 20 s margin off it).
        var first = Task.Run(() => shifts.RunAsync(start + TimeSpan.FromSeconds(how == "killed" ? 600 : 120), kill.Token), Ct);
        await market.UntilAsync(() => shifts.Running.Keys.Any(f => f.Status.State == "live"), "the first shift live");
        while (market.Now < start + TimeSpan.FromSeconds(100))
        {
            await market.StepAsync(shifts);
        }

        if (how == "killed")
        {
            // Killed once the handover object records 11:01's bars (the S3 writes take real time
            // while this clock stands still).
            var sink0 = aws.App.Services.GetRequiredService<IDataSink>();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while ((await ShiftBaton.ReadAsync(sink0, Ct)).Baton?.CoveredUntil is null)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The handover object never recorded the first shift's bars.");
                if (shifts.Running.Keys.Sum(f => f.Status.BarsWritten) >= 2)
                {
                    await market.StepAsync(shifts);
                }
                else
                {
                    await Task.Delay(20, Ct);
                }
            }

            await kill.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        }
        else
        {
            await market.FinishAsync([first]);
            Assert.Equal("ended", (await first).Outcome);
            Assert.Contains("no newer shift came", (await first).Detail, StringComparison.Ordinal);
        }

        // Nobody streams until 11:03:30, when the next shift starts.
        while (market.Now < start + TimeSpan.FromSeconds(180))
        {
            await market.StepAsync(shifts);
        }

        var next = Task.Run(() => shifts.RunAsync(market.Now + TimeSpan.FromMinutes(2.5), Ct), Ct);
        await market.UntilAsync(() => shifts.Running.Keys.Any(f => f.Status.State == "live"), "the next shift live");
        while (!next.IsCompleted && market.Now < start + TimeSpan.FromMinutes(6))
        {
            await market.StepAsync(shifts);
        }

        ShiftReport report;
        try
        {
            report = (await market.FinishAsync([next]))[0];
        }
        catch (TimeoutException)
        {
            Assert.Fail(string.Join("\n", aws.Logs.Lines.TakeLast(30)));
            throw;
        }

        var takeover = Minute(start + TimeSpan.FromSeconds(180)) + TimeSpan.FromMinutes(1);
        var lastBar = Minute(start + TimeSpan.FromSeconds(100)); // 11:01's bar was written at 11:02:02
        Assert.Equal(("ended", null, takeover), (report.Outcome, report.Predecessor, report.Takeover));
        Assert.Equal((takeover - lastBar).TotalSeconds, report.HandoverGapSeconds);
        Assert.True(report.Refilled);
        Assert.Contains("\"Job\":\"stream-shift\"", aws.Emf.ToString(), StringComparison.Ordinal);
        Assert.Contains($"\"HandoverGapSeconds\":{report.HandoverGapSeconds}", aws.Emf.ToString(), StringComparison.Ordinal);

        // The gap's minutes are REST's bars now; the killed shift's ticks up to its last upload are in the lake.
        var bars = await aws.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", Friday, Ct);
        Assert.All(new[] { lastBar, lastBar.AddMinutes(1) }, m => Assert.Equal(["sandbox", "sandbox"], bars.Where(r => r.Start == m).Select(r => r.Source)));
        var sink = aws.App.Services.GetRequiredService<IDataSink>();
        Assert.True((await sink.ListAsync(StreamShift.StagingOf(Friday), Ct)).Count >= 3);
        await FakeClockPump.RunAsync(aws.App.Services.GetRequiredService<TickCompactor>().CompactStagedAsync(Friday, Ct), aws.ManualClock, aws.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>());
        var stored = new List<LiveTick>();
        await foreach (var tick in TickParquet.ReadEachAsync((await sink.ReadAsync(LakeKeys.Ticks(Friday), Ct))!, Ct))
        {
            stored.Add(tick);
        }

        // Uploaded every 30 s: the first shift's ticks reach at least 11:01:30; nobody saw 11:02:30 to 11:03:29.
        Assert.Contains(stored, t => t.At >= start + TimeSpan.FromSeconds(60) && t.At < start + TimeSpan.FromSeconds(100));
        Assert.DoesNotContain(stored, t => t.At >= start + TimeSpan.FromSeconds(120) && t.At < start + TimeSpan.FromSeconds(178));
        Assert.Contains(stored, t => t.At >= takeover);
    }

    /// <summary>
    /// A shift whose socket never comes up (FYERS answers nothing at all) streams nothing until its
    /// deadline: /events answers 500 so the function's error alarm fires, its metrics say 0 ticks a
    /// minute (the no-ticks alarm's data) and ShiftFailed 1.
    /// </summary>
    [Fact]
    public async Task AShiftThatCannotConnect_Fails_WithZeroTicksAMinute()
    {
        await using var aws = await TestApp.StartAsync(now: FridayEleven, manualClock: true, extraSettings: [.. moto.Settings("cannot-connect"), "--Events:Enabled=true"]);
        var market = new Lockstep(aws);
        await market.LogInAsync();
        aws.Sandbox.SocketFaults.Blackhole = true;
        var answer = SendShiftAsync(aws, TimeSpan.FromSeconds(100));
        while (!answer.IsCompleted && market.Now < FridayEleven + TimeSpan.FromMinutes(3))
        {
            market.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, Ct);
        }

        using var response = await answer.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("\"outcome\":\"not-connected\"", body, StringComparison.Ordinal);
        var emf = aws.Emf.ToString().Split('\n');
        Assert.Contains(emf, l => l.Contains("\"Job\":\"stream\"", StringComparison.Ordinal) && l.Contains("\"TicksPerMinute\":0", StringComparison.Ordinal));
        Assert.Contains(emf, l => l.Contains("\"Job\":\"stream-shift\"", StringComparison.Ordinal) && l.Contains("\"ShiftFailed\":1", StringComparison.Ordinal));
    }

    /// <summary>
    /// The token of the day before died at 06:00: the 09:20 shift opens no socket, says a login is
    /// needed (HTTP 200: the token alarm speaks for it) and writes no stream metric, so the no-ticks
    /// alarm stays quiet. A Saturday's shift does nothing either. After the login the next shift streams.
    /// </summary>
    [Fact]
    public async Task TheTokenDiedAt0600_TheShiftWaitsForTheLogin_Quietly()
    {
        var thursday = new DateTimeOffset(2026, 11, 26, 15, 0, 0, Ist);
        await using var aws = await TestApp.StartAsync(now: thursday, manualClock: true, extraSettings: [.. moto.Settings("token-died"), "--Events:Enabled=true"]);
        var market = new Lockstep(aws);
        await market.LogInAsync();
        aws.ManualClock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 9, 20, 0, Ist));

        using (var response = await SendShiftAsync(aws, TimeSpan.FromMinutes(14)).WaitAsync(TimeSpan.FromSeconds(20), Ct))
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"outcome\":\"login-needed\"", body, StringComparison.Ordinal);
            Assert.Contains("expired at 06:00 IST", body, StringComparison.Ordinal);
        }

        Assert.Equal(0, aws.Sandbox.SocketsAccepted);
        Assert.DoesNotContain("\"Job\":\"stream\"", aws.Emf.ToString(), StringComparison.Ordinal);
        var sink = aws.App.Services.GetRequiredService<IDataSink>();
        Assert.Equal((null, null), await ShiftBaton.ReadAsync(sink, Ct));

        await market.LogInAsync();
        var shifts = aws.App.Services.GetRequiredService<StreamShift>();
        var run = Task.Run(() => shifts.RunAsync(market.Now + TimeSpan.FromSeconds(90), Ct), Ct);
        await market.UntilAsync(() => shifts.Running.Keys.Any(f => f.Status.State == "live"), "the shift live after the login");
        // The page's feed card on AWS: the page's process streams nothing itself; its stream line
        // comes from the handover object the shift rewrites.
        using var owner = await aws.NewBrowser().AsOwnerAsync();
        string? line = null;
        while (!run.IsCompleted)
        {
            await market.StepAsync(shifts);
            if (line is null && (await ShiftBaton.StatusAsync(sink, Ct))?.State == "live")
            {
                var feed = (await owner.StatusAsync()).GetProperty("feed").GetProperty("lines").EnumerateArray();
                line = feed.Select(l => l.GetProperty("text").GetString()).FirstOrDefault(t => t!.StartsWith("stream:", StringComparison.Ordinal));
            }
        }

        var report = await run;
        Assert.Equal(("ended", 1, (double?)null), (report.Outcome, (int)aws.Sandbox.SocketsAccepted, report.HandoverGapSeconds));
        Assert.True(report.Ticks > 100);
        Assert.StartsWith("stream: live · 2 symbols · ", line, StringComparison.Ordinal);

        // A Saturday: nothing to stream. The first shift compacts Friday's staged ticks (nobody ran
        // the end-of-day job here); the next one has nothing to do.
        aws.ManualClock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 10, 0, 0, Ist));
        using (var saturday = await SendShiftAsync(aws, TimeSpan.FromMinutes(14)).WaitAsync(TimeSpan.FromSeconds(20), Ct))
        {
            Assert.Contains("\"outcome\":\"compacted\"", await saturday.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var again = await SendShiftAsync(aws, TimeSpan.FromMinutes(14)).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Contains("\"outcome\":\"skipped\"", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>POST /events {"job":"stream-shift"} as the Lambda Web Adapter sends it, with the invocation's deadline.</summary>
    private static async Task<HttpResponseMessage> SendShiftAsync(TestApp app, TimeSpan left)
    {
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.PageUrl, "events")) { Content = new StringContent("{\"job\":\"stream-shift\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-amzn-lambda-context", $"{{\"deadline\":{(TimeProvider.System.GetUtcNow() + left).ToUnixTimeMilliseconds()}}}");
        return await http.SendAsync(request, Ct);
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary>The market clocks of several apps, moved together.</summary>
    private sealed class Lockstep(params TestApp[] apps)
    {
        public DateTimeOffset Now => apps[0].ManualClock.GetUtcNow();

        /// <summary>Logs each app in (pumped), then puts every clock on the latest one's next whole second.</summary>
        public async Task LogInAsync()
        {
            foreach (var app in apps)
            {
                await FakeClockPump.RunAsync(app.LogInAsync(), app.ManualClock, app.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>());
            }

            var latest = apps.Max(a => a.ManualClock.GetUtcNow());
            var next = new DateTimeOffset(latest.UtcTicks - (latest.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1);
            foreach (var app in apps)
            {
                app.ManualClock.SetUtcNow(next);
            }
        }

        public void Advance(TimeSpan by)
        {
            foreach (var app in apps)
            {
                app.ManualClock.Advance(by);
            }
        }

        /// <summary>Moves the clocks 100 ms at a time until <paramref name="condition"/> holds (symbol-token waits on them).</summary>
        public async Task UntilAsync(Func<bool> condition, string what)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"Waited 30 s for {what}.");
                Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10, Ct);
            }
        }

        /// <summary>
        /// One second on, then waits for that second's two ticks on the one connection and on every
        /// shift that was live and still is (and is not stopping); while no shift is live (a newer one logging in after
        /// FYERS closed the older), time stands until one is.
        /// </summary>
        public async Task StepAsync(LiveFeed continuous, StreamShift shifts)
        {
            var seen = continuous.Status.Ticks;
            var before = shifts.Running.Keys.Where(f => f.Status.State == "live").ToDictionary(f => f, f => f.Status.Ticks);
            Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(
                () => continuous.Status.Ticks >= seen + 2
                    && shifts.Running.Keys.Any(f => f.Status.State == "live")
                    && before.All(b => b.Key.Status.State != "live" || !shifts.Running.ContainsKey(b.Key) || b.Key.Status.Ticks >= b.Value + 2),
                $"the ticks of {Now:HH:mm:ss}");
        }

        /// <summary>One second on, then waits for its two ticks on every shift that was live and still is.</summary>
        public async Task StepAsync(StreamShift shifts)
        {
            var before = shifts.Running.Keys.Where(f => f.Status.State == "live").ToDictionary(f => f, f => f.Status.Ticks);
            Advance(TimeSpan.FromSeconds(1));
            // A shift that is stopping (its end came with this second) is not waited for.
            await WaitForAsync(() => before.All(b => b.Key.Status.State != "live" || !shifts.Running.ContainsKey(b.Key) || b.Key.Status.Ticks >= b.Value + 2), $"the ticks of {Now:HH:mm:ss}");
            if (before.Count == 0)
            {
                await Task.Delay(5, Ct);
            }
        }

        /// <summary>Moves the clocks on until every shift has ended (at most three minutes of their time, a minute of real time), and returns their reports.</summary>
        public async Task<IReadOnlyList<ShiftReport>> FinishAsync(IReadOnlyList<Task<ShiftReport>> runs)
        {
            var (until, waited) = (Now + TimeSpan.FromMinutes(3), System.Diagnostics.Stopwatch.StartNew());
            while (!runs.All(r => r.IsCompleted) && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                if (Now < until)
                {
                    Advance(TimeSpan.FromMilliseconds(100));
                }

                await Task.Delay(10, Ct);
            }

            return await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(1), Ct);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"Waited 20 s for {what}.");
            await Task.Delay(2, Ct);
        }
    }
}
