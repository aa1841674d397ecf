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
        var compaction = await FakeClockPump.RunAsync(aws.App.Services.GetRequiredService<TickCompactor>().CompactStagedAsync(Friday, Ct), aws.ManualClock, aws.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>());
        // Both connections kept: the overlap's ticks came twice and are stored once. (With the older
        // closed, a newer shift's snapshots may repeat the last ticks the older one logged.)
        Assert.True(mode != SecondConnection.Allow || compaction.Duplicates > 0, "the overlap's ticks were seen twice and stored once");
        Assert.Empty(await sink.ListAsync(StreamShift.StagingOf(Friday), Ct));
        var stored = new List<LiveTick>();
        await foreach (var tick in TickParquet.ReadEachAsync((await sink.ReadAsync(LakeKeys.Ticks(Friday), Ct))!, Ct))
        {
            stored.Add(tick);
        }

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
        /// shift that was live and still is; while no shift is live (a newer one logging in after
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
                    && before.All(b => b.Key.Status.State != "live" || b.Key.Status.Ticks >= b.Value + 2),
                $"the ticks of {Now:HH:mm:ss}");
        }

        /// <summary>Moves the clocks on until every shift has ended (at most two minutes), and returns their reports.</summary>
        public async Task<IReadOnlyList<ShiftReport>> FinishAsync(IReadOnlyList<Task<ShiftReport>> runs)
        {
            for (var i = 0; i < 1200 && !runs.All(r => r.IsCompleted); i++)
            {
                Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10, Ct);
            }

            return await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10), Ct);
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
