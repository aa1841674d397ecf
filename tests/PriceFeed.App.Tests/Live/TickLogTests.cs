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
