using System.Security.Cryptography;
using System.Text;

namespace PriceFeed.Lake;

/// <summary>
/// The SHA-256 of every data file (candles, quotes), recorded under _state/hashes/{key}.sha256 so
/// <c>verify</c> can tell a file's bytes from the ones written (issue 19: single flipped bytes that
/// still read as Parquet went unseen). The record is written before the file and keeps the previous
/// hash as a second line: a run killed between the two writes leaves the old file with its old hash,
/// which still matches, and never a false "damaged". Kept apart from the data so query globs, DuckDB
/// and Athena never see them.
/// </summary>
public static class LakeHashes
{
    public static string KeyOf(string dataKey) => $"_state/hashes/{dataKey}.sha256";

    public static string Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Writes a data file with its hash record, the record first (see the type's remarks).</summary>
    public static async Task WriteAsync(IDataSink sink, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await RecordAsync(sink, key, Of(content.Span), cancellationToken);
        await sink.WriteAsync(key, content, cancellationToken);
    }

    /// <summary>The SHA-256 of a file on disk, read as a stream.</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    /// <summary>The hash record written before its file: the new hash, and the previous one as a second line.</summary>
    private static async Task RecordAsync(IDataSink sink, string key, string hash, CancellationToken cancellationToken)
    {
        var previous = (await RecordedAsync(sink, key, cancellationToken))?.FirstOrDefault();
        var record = previous is null || previous == hash ? $"{hash}\n" : $"{hash}\n{previous}\n";
        await sink.WriteAsync(KeyOf(key), Encoding.ASCII.GetBytes(record), cancellationToken);
    }

    /// <summary>
    /// <see cref="WriteAsync"/> for a file on disk too big to hold in memory (a day of ticks): hashed
    /// as it is read, then streamed to the sink.
    /// </summary>
    public static async Task<string> WriteFileAsync(IDataSink sink, string key, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var hash = await OfFileAsync(path, cancellationToken);
        await RecordAsync(sink, key, hash, cancellationToken);
        await sink.WriteFileAsync(key, path, cancellationToken);
        return hash;
    }

    /// <summary>The hashes a file may have (the newest first), or null when none was recorded (a file from before hashes were kept).</summary>
    public static async Task<IReadOnlyList<string>?> RecordedAsync(IDataSink sink, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return await sink.ReadAsync(KeyOf(key), cancellationToken) is { } bytes
            ? Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;
    }

    /// <summary>Records the current bytes of a file that had no record (what <c>verify --repair</c> does for files that read cleanly).</summary>
    public static Task AdoptAsync(IDataSink sink, string key, ReadOnlySpan<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return sink.WriteAsync(KeyOf(key), Encoding.ASCII.GetBytes(Of(content) + "\n"), cancellationToken);
    }

    /// <summary>
    /// Moves a data file that cannot be read out of the way (<c>quarantine/unreadable/{key}</c>, bytes
    /// kept for a person to look at), so a refetch can write the day anew.
    /// </summary>
    public static async Task QuarantineUnreadableAsync(IDataSink sink, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var bytes = await sink.ReadAsync(key, cancellationToken);
        await sink.WriteAsync(LakeKeys.Unreadable(key), bytes ?? [], cancellationToken);
        await sink.DeleteAsync(key, cancellationToken);
    }
}
