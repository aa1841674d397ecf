using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>The merge of a batch into a day file: file order, no duplicates, the later bar wins.</summary>
public sealed class CandleMergeTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 23);
    private static readonly long T = new DateTimeOffset(2026, 11, 23, 9, 15, 0, TimeSpan.FromMinutes(330)).ToUnixTimeSeconds();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("merge-test-");

    [Fact]
    public async Task Merge_UnsortedBatchWithRepeats_OverAStoredDay_KeepsFileOrderAndTheLaterBar()
    {
        var lake = new CandleLake(new LocalDataSink(root.FullName));
        List<CandleRow> stored = [Row("NSE:SBIN-EQ", T, 1), Row("NSE:SBIN-EQ", T + 60, 2), Row("NSE:TCS-EQ", T, 3)];
        Assert.Equal(new MergeResult(3, 0, 0), await lake.MergeAsync([.. stored], Ct));

        List<CandleRow> batch =
        [
            Row("NSE:TCS-EQ", T + 60, 10),   // new
            Row("NSE:INFY-EQ", T, 11),       // new, sorts first
            Row("NSE:SBIN-EQ", T + 60, 12),  // replaces volume 2...
            Row("NSE:SBIN-EQ", T + 60, 13),  // ...and is itself replaced: the later one wins
            Row("NSE:SBIN-EQ", T, 1),        // the same as stored
            Row("NSE:INFY-EQ", T, 14),       // INFY 09:15 again, not next to the first
        ];

        var result = await lake.MergeAsync(batch, Ct);
        var day = await lake.ReadAsync("1", Day, Ct);

        Assert.Equal(new MergeResult(2, 1, 1), result);
        Assert.Equal(
            [("NSE:INFY-EQ", T, 14L), ("NSE:SBIN-EQ", T, 1), ("NSE:SBIN-EQ", T + 60, 13), ("NSE:TCS-EQ", T, 3), ("NSE:TCS-EQ", T + 60, 10)],
            day.Select(r => (r.Symbol, r.TsUtc, r.Volume)));
    }

    [Fact]
    public async Task Merge_NothingNew_LeavesTheFileUntouched()
    {
        // Counted writes, not file times: the time-shifted pass runs under libfaketime, which shifts those.
        var sink = new CountingSink(new LocalDataSink(root.FullName));
        var lake = new CandleLake(sink);
        await lake.MergeAsync([Row("NSE:SBIN-EQ", T, 1)], Ct);
        var writesAfterFirst = sink.Writes;

        var result = await lake.MergeAsync([Row("NSE:SBIN-EQ", T, 1)], Ct);

        Assert.Equal(2, writesAfterFirst); // the file and its hash record (LakeHashes)
        Assert.Equal(new MergeResult(0, 0, 1), result);
        Assert.Equal(2, sink.Writes);
    }

    private sealed class CountingSink(IDataSink inner) : IDataSink
    {
        public int Writes { get; private set; }

        public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);

        public Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Writes++;
            return inner.WriteAsync(key, content, cancellationToken);
        }

        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public Task<(byte[] Bytes, string Version)?> ReadVersionAsync(string key, CancellationToken cancellationToken) => inner.ReadVersionAsync(key, cancellationToken);

        public Task<string?> WriteIfAsync(string key, ReadOnlyMemory<byte> content, string? ifVersion, CancellationToken cancellationToken) => inner.WriteIfAsync(key, content, ifVersion, cancellationToken);

        public Task<(IAsyncDisposable? Lease, WriterClaim? Holder)> TryLockWriterAsync(WriterClaim claim, CancellationToken cancellationToken) => inner.TryLockWriterAsync(claim, cancellationToken);
    }

    public void Dispose() => root.Delete(recursive: true);

    private static CandleRow Row(string symbol, long ts, long volume) => new(symbol, "1", ts, 100.05, 101.1, 99.95, 100.5, volume, "sandbox");
}
