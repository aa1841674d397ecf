using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Lake;
using PriceFeed.Live;

namespace PriceFeed.App.Tests.Live;

/// <summary>Issue 21: the day's reconcile of the stream's live bars with the REST bars that replaced them, on a hand-made day.</summary>
public sealed class LiveReconcilerTests
{
    private static readonly DateOnly Friday = new(2026, 11, 27);
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2026, 11, 27, hour, minute, second, Ist);

    /// <summary>
    /// SBIN streamed from 10:00:30: 10:01 and 10:02 whole; a drop at 10:02:30 back at 10:04:10 (100 s),
    /// refilled from REST; 10:05 and 10:06 whole. REST has every minute from 09:15 to 10:05 (10:06 not
    /// yet). Against it: 10:01 agrees, 10:02's high is two ticks off, 10:05's close differs; 10:03 and
    /// 10:04 are gaps REST filled; 10:00 and 10:04 were part minutes; 10:06 is still a live bar.
    /// </summary>
    [Fact]
    public async Task AGappedDay_IsReportedMinuteByMinute_AgainstRest()
    {
        await using var app = await TestApp.StartAsync(now: At(18, 0));
        var journal = app.App.Services.GetRequiredService<LiveFeed>().Journal;
        var lake = app.App.Services.GetRequiredService<CandleLake>();
        const string Sbin = "NSE:SBIN-EQ";
        var rest = new List<CandleRow>();
        for (var t = At(9, 15); t <= At(10, 5); t = t.AddMinutes(1))
        {
            rest.Add(new CandleRow(Sbin, "1", t.ToUnixTimeSeconds(), 100, 101, 99, 100.5, 1_000, "sandbox"));
        }

        // 10:02: REST's high is 101.10, the live one 101 (two ticks); 10:05: REST closes at 100.55.
        rest[rest.FindIndex(r => r.Start == At(10, 2))] = new CandleRow(Sbin, "1", At(10, 2).ToUnixTimeSeconds(), 100, 101.10, 99, 100.5, 1_000, "sandbox");
        rest[rest.FindIndex(r => r.Start == At(10, 5))] = new CandleRow(Sbin, "1", At(10, 5).ToUnixTimeSeconds(), 100, 101, 99, 100.55, 1_000, "sandbox");
        await lake.MergeAsync(rest, Ct);
        await lake.MergeAsync([new CandleRow(Sbin, "1", At(10, 6).ToUnixTimeSeconds(), 100, 101, 99, 100.5, 990, "sandbox-live")], Ct);

        LiveBar Bar(int minute, bool complete, long volume, long dayVolume) => new(Sbin, At(10, minute), 100, 101, 99, 100.5m, volume, 60, complete, dayVolume);
        var before1000 = 45 * 1_000L;
        journal.Append([Bar(0, false, 500, before1000 + 500), Bar(1, true, 1_000, before1000 + 2_000), Bar(2, true, 1_000, before1000 + 3_000)]);
        journal.Append(new JournalEvent("drop", At(10, 2, 30), "connection lost"));
        journal.Append(new JournalEvent("back", At(10, 4, 10), null));
        journal.Append([Bar(4, false, 300, before1000 + 5_000), Bar(5, true, 1_000, before1000 + 6_000), Bar(6, true, 990, before1000 + 6_990)]);
        journal.Append(new JournalEvent("refill", At(10, 5, 15), "Succeeded"));
        await File.AppendAllTextAsync(journal.PathOf(Friday), "{\"s\":\"NSE:SBIN-EQ\",\"m\":17", Ct); // a line a crash cut short

        var report = (await app.App.Services.GetRequiredService<LiveReconciler>().ReconcileAsync(Friday, Ct))!;

        var sbin = Assert.Single(report.Symbols);
        Assert.Equal((4, 3, 2, 2, 2, 2, 1), (sbin.LiveBars, sbin.Matched, sbin.ClosesMatch, sbin.HighLowWithinTick, sbin.Gaps, sbin.PartialMinutes, sbin.StillLive));
        Assert.Equal((3_000L, 3_000L), (sbin.LiveVolume, sbin.RestVolume));
        // The socket's count at 10:06 against REST through 10:06 (which has no 10:06 bar yet).
        Assert.Equal((before1000 + 6_990, 51_000L), (sbin.SocketDayVolume, sbin.RestDayVolume));
        Assert.Equal((1, TimeSpan.FromSeconds(100), 1), (report.Drops, report.Downtime, report.Refills));
        Assert.False(report.Agrees);
        var text = LiveReconciler.ToText(report);
        Assert.Contains("Drops 1 (100 s down) · REST refills 1.", text, StringComparison.Ordinal);
        Assert.Contains("1 live bars not replaced by REST yet: run 'pricefeed backfill --from 2026-11-27 --to 2026-11-27'", text, StringComparison.Ordinal);

        // A day the stream did not run has nothing to reconcile.
        Assert.Null(await app.App.Services.GetRequiredService<LiveReconciler>().ReconcileAsync(Friday.AddDays(-1), Ct));

        // The CLI, as a person runs it: the latest streamed day by default, a table and a verdict, the
        // report stored; a day without a stream is one line and exit 1.
        var (code, output) = await CliProcess.RunOnStoreAsync(app, "reconcile");
        Assert.True(code == 0, output);
        Assert.Contains("Reconcile of 2026-11-27", output, StringComparison.Ordinal);
        Assert.Matches(@"NSE:SBIN-EQ\s+4\s+3\s+2\s+2\s+3,000/3,000\s+51,990/51,000\s+2\s+2", output);
        Assert.Contains("Stored in the lake as reports/reconcile/date=2026-11-27/reconcile.json.", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "reports", "reconcile", "date=2026-11-27", "reconcile.json")));
        var (missing, said) = await CliProcess.RunOnStoreAsync(app, "reconcile", "--date", "2026-11-26");
        Assert.Equal(1, missing);
        Assert.Equal("Nothing to reconcile for 2026-11-26: the live stream did not run that day. It ran on: 2026-11-27.", said.Trim());
    }
}
