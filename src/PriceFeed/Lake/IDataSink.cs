namespace PriceFeed.Lake;

/// <summary>
/// Where the lake's objects live: a local folder by default, S3 on AWS. Keys are '/'-separated
/// relative paths such as candles/resolution=1/date=2026-11-27/part-000.parquet.
/// </summary>
public interface IDataSink
{
    /// <summary>The object's bytes, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Replaces the object as a whole: a reader sees the old bytes or the new ones, never a mix.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Keys under a prefix, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Removes an object; only <c>verify --repair</c> does, after copying it to the quarantine.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lake's writer lock for <paramref name="claim"/> without waiting: the lease (dispose it
    /// to release), or null and the current holder when another run has it.
    /// </summary>
    Task<(IAsyncDisposable? Lease, WriterClaim? Holder)> TryLockWriterAsync(WriterClaim claim, CancellationToken cancellationToken);
}
