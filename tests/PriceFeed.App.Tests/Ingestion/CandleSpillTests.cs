using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

public sealed class CandleSpillTests : IDisposable
{
    private static readonly long Monday0915 = new DateTimeOffset(2026, 11, 23, 9, 15, 0, TimeSpan.FromMinutes(330)).ToUnixTimeSeconds();
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("spill-test-");

    [Fact]
    public void Drain_GivesEachPartitionOnce_InDateOrder_WithEveryValueAndTheAddOrderKept()
    {
        var tuesday = Monday0915 + 86_400;
        List<CandleRow> a = [Row("NSE:SBIN-EQ", "1", Monday0915, 1), Row("NSE:SBIN-EQ", "1", tuesday, 2), Row("NSE:SBIN-EQ", "1", tuesday + 60, 3)];
        List<CandleRow> b = [Row("NSE:TCS-EQ", "1", tuesday, 4), Row("NSE:TCS-EQ", "D", Monday0915 - 34_200 + 19_800, 5), Row("NSE:SBIN-EQ", "1", tuesday, 6)];

        List<(string, DateOnly, List<CandleRow>)> drained;
        using (var spill = new CandleSpill(root.FullName))
        {
            spill.Add(a);
            spill.Add(b);
            Assert.Equal(6, spill.Rows);
            drained = [.. spill.Drain()];
            Assert.Equal(0, spill.Rows);
            Assert.Empty(spill.Drain());
        }

        Assert.Equal(
            [("1", new DateOnly(2026, 11, 23)), ("1", new DateOnly(2026, 11, 24)), ("D", b[1].IstDate)],
            drained.Select(d => (d.Item1, d.Item2)));
        Assert.Equal([a[0]], drained[0].Item3);
        Assert.Equal([a[1], a[2], b[0], b[2]], drained[1].Item3); // SBIN at 09:15 Tuesday twice: the later (volume 6) stays last
        Assert.Equal([b[1]], drained[2].Item3);
        Assert.Empty(root.EnumerateFileSystemInfos()); // the folder goes with the spill
    }

    [Fact]
    public void NewSpill_RemovesTheFolderOfAProcessThatNoLongerRuns_AndKeepsALiveOne()
    {
        var dead = root.CreateSubdirectory($"pricefeed-spill-{int.MaxValue - 7}-abc");
        File.WriteAllBytes(Path.Combine(dead.FullName, "0.bin"), new byte[60]);
        var live = root.CreateSubdirectory($"pricefeed-spill-{Environment.ProcessId}-def");

        using var spill = new CandleSpill(root.FullName);

        Assert.False(dead.Exists && Directory.Exists(dead.FullName));
        Assert.True(Directory.Exists(live.FullName));
    }

    public void Dispose() => root.Delete(recursive: true);

    private static CandleRow Row(string symbol, string resolution, long ts, long volume) =>
        new(symbol, resolution, ts, 100.05, 101.1, 99.95, 100.5, volume, "sandbox");
}
