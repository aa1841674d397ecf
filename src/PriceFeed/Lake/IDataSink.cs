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

    /// <summary>
    /// Copies an object to a local file, for objects too big to hold in memory (a day of ticks); false
    /// when it does not exist. The default reads it whole; the local and S3 sinks stream it.
    /// </summary>
    async Task<bool> ReadToFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        if (await ReadAsync(key, cancellationToken) is not { } bytes)
        {
            return false;
        }

        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        return true;
    }

    /// <summary>Replaces an object with a local file's bytes, as <see cref="WriteAsync"/> does; the local and S3 sinks stream it.</summary>
    async Task WriteFileAsync(string key, string path, CancellationToken cancellationToken) =>
        await WriteAsync(key, await File.ReadAllBytesAsync(path, cancellationToken), cancellationToken);

    /// <summary>Keys under a prefix, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Removes an object; only <c>verify --repair</c> does, after copying it to the quarantine.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>An object's bytes with its version tag (S3's ETag), or null when it does not exist: the read before a <see cref="WriteIfAsync"/>.</summary>
    Task<(byte[] Bytes, string Version)?> ReadVersionAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an object only if it is still at <paramref name="ifVersion"/> (null: only if it does
    /// not exist): the new version, or null when another writer changed it first. S3 decides this
    /// itself (If-Match / If-None-Match), so two processes racing get one success. The stream shifts'
    /// handover object is written this way (issue 22); it needs no writer lock.
    /// </summary>
    Task<string?> WriteIfAsync(string key, ReadOnlyMemory<byte> content, string? ifVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lake's writer lock for <paramref name="claim"/> without waiting: the lease (dispose it
    /// to release), or null and the current holder when another run has it.
    /// </summary>
    Task<(IAsyncDisposable? Lease, WriterClaim? Holder)> TryLockWriterAsync(WriterClaim claim, CancellationToken cancellationToken);
}
