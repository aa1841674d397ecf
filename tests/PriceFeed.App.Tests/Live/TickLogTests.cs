using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Live;

namespace PriceFeed.App.Tests.Live;

/// <summary>Issue 21: ticks are durable once flushed, survive the process, and a line a crash cut short is skipped.</summary>
public sealed class TickLogTests
{
    private static readonly DateTimeOffset NineFifteen = new(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FlushedTicks_AreReadBack_AfterTheWriterIsGone_AndATornLastLineIsSkipped()
    {
        var folder = Directory.CreateTempSubdirectory("ticks-").FullName;
        LiveTick[] ticks =
        [
            new("NSE:SBIN-EQ", NineFifteen.AddMilliseconds(120), 606.40m, 3045212),
            new("NSE:NIFTY50-INDEX", NineFifteen.AddSeconds(1), 26188.10m, null),
            new("NSE:SBIN-EQ", NineFifteen.AddSeconds(2), 606.45m, 3045300),
        ];
        var log = new TickLog(folder);
        foreach (var tick in ticks)
        {
            log.Append(tick);
        }

        await log.FlushAsync();
        log.Append(new("NSE:SBIN-EQ", NineFifteen.AddSeconds(3), 606.50m, 3045400)); // not flushed: lost with a kill
        var path = log.PathOf(new DateOnly(2026, 11, 27));
        // What a kill -9 in the middle of a write leaves: part of a line.
        await File.AppendAllTextAsync(path, "{\"s\":\"NSE:SBIN-EQ\",\"t\":17642", Ct);

        var read = await TickLog.ReadAsync(path, Ct);

        // Read back as written, each line saying where it came from.
        Assert.Equal(ticks.Select(t => t with { Source = "fyers-live" }), read);
        Assert.EndsWith(Path.Combine("date=2026-11-27", "ticks.jsonl"), path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATickOfTheNextIstDay_GoesToThatDaysFile()
    {
        var folder = Directory.CreateTempSubdirectory("ticks-").FullName;
        await using (var log = new TickLog(folder))
        {
            log.Append(new("NSE:SBIN-EQ", new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.FromMinutes(330)), 600m, 1));
            log.Append(new("NSE:SBIN-EQ", new DateTimeOffset(2026, 11, 28, 0, 0, 1, TimeSpan.FromMinutes(330)), 601m, 2));
        }

        var reader = new TickLog(folder);
        Assert.Single(await TickLog.ReadAsync(reader.PathOf(new DateOnly(2026, 11, 27)), Ct));
        Assert.Single(await TickLog.ReadAsync(reader.PathOf(new DateOnly(2026, 11, 28)), Ct));
    }
}

/// <summary>Issue 21: a finished day's tick log into the lake, once, whatever crash comes between.</summary>
public sealed class TickCompactorTests
{
    [Fact]
    public async Task ALogCompactedThenLeftByACrash_IsNotAddedTwice_AndALaterLogOfTheDayIsMerged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await PriceFeed.App.Tests.Support.TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.FromMinutes(330)));
        var compactor = app.App.Services.GetRequiredService<TickCompactor>();
        var day = new DateOnly(2026, 11, 27);
        var start = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));
        async Task<string> LogAsync(int from, int count)
        {
            await using var log = new TickLog(compactor.LogFolder);
            for (var i = from; i < from + count; i++)
            {
                log.Append(new LiveTick("NSE:SBIN-EQ", start.AddSeconds(i), 600m + (i * 0.05m), 1000 + i, start.AddSeconds(i).AddMilliseconds(40), 599.95m + (i * 0.05m), 600.05m + (i * 0.05m)));
            }

            await log.FlushAsync();
            return log.PathOf(day);
        }

        var path = await LogAsync(0, 100);
        var copy = await File.ReadAllBytesAsync(path, ct);
        Assert.Equal([day], compactor.FinishedPendingDays());
        var first = await compactor.CompactAsync(day, ct);

        // A crash after the file was stored but before the log was deleted: the same log again.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, copy, ct);
        var again = await compactor.CompactAsync(day, ct);

        // A later stream of the same day (restarted after the close) adds its own ticks.
        await LogAsync(100, 20);
        var merged = await compactor.CompactAsync(day, ct);

        Assert.Equal((100, 100, 120), (first.Ticks, again.Ticks, merged.Ticks));
        Assert.False(File.Exists(path));
        Assert.Empty(compactor.PendingDays());
        var stored = await PriceFeed.Live.TickParquet.ReadAsync(await File.ReadAllBytesAsync(Path.Combine(app.LakeDirectory, merged.Key), ct), ct);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => start.AddSeconds(i)), stored.Select(t => t.At));
        Assert.Equal((600m, 599.95m, 600.05m, 1000L), (stored[0].Price, stored[0].Bid!.Value, stored[0].Ask!.Value, stored[0].DayVolume!.Value));
    }
}
