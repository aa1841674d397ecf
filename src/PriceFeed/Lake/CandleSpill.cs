using System.Buffers.Binary;
using System.Globalization;

namespace PriceFeed.Lake;

/// <summary>
/// A backfill's fetched bars, parked on local disk by partition until their window is complete, so
/// each day file is merged and rewritten once per window however many symbols there are, and memory
/// holds one chunk and one partition at a time instead of a window (50 symbols × 100 days of 1-minute
/// bars is over a million rows). Written by hand: the records are fixed-size and private to one run,
/// which no file format library makes simpler than a few lines of <see cref="BinaryPrimitives"/>.
/// </summary>
internal sealed class CandleSpill : IDisposable
{
    private const string Prefix = "pricefeed-spill-";

    /// <summary>symbol, resolution and source ids (3 × int32), time (int64), OHLC (4 × double), volume (int64).</summary>
    private const int RecordBytes = (3 * sizeof(int)) + sizeof(long) + (4 * sizeof(double)) + sizeof(long);

    private readonly DirectoryInfo directory;
    private readonly List<string> strings = [];
    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resolution, DateOnly Date), (string Path, int Rows)> partitions = [];
    private byte[] buffer = new byte[RecordBytes * 512];

    public CandleSpill(string? root = null)
    {
        root ??= Path.GetTempPath();
        SweepAbandoned(root);
        directory = Directory.CreateDirectory(Path.Combine(root, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"));
    }

    /// <summary>Rows parked and not yet drained.</summary>
    public long Rows { get; private set; }

    /// <summary>Parks rows (any order, any partitions); consecutive rows of one partition are written together.</summary>
    public void Add(IReadOnlyList<CandleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (var start = 0; start < rows.Count;)
        {
            var partition = (rows[start].Resolution, rows[start].IstDate);
            var end = start + 1;
            while (end < rows.Count && rows[end].IstDate == partition.IstDate && rows[end].Resolution == partition.Resolution)
            {
                end++;
            }

            Append(partition, rows, start, end);
            start = end;
        }
    }

    /// <summary>
    /// Each parked partition once, in resolution and date order, with its rows in the order they were
    /// added (so of two bars with the same time the later one wins when merged); its file is deleted
    /// as it is handed out.
    /// </summary>
    public IEnumerable<(string Resolution, DateOnly Date, List<CandleRow> Rows)> Drain()
    {
        foreach (var key in partitions.Keys.Order().ToList())
        {
            var (path, count) = partitions[key];
            var bytes = File.ReadAllBytes(path);
            var rows = new List<CandleRow>(count);
            for (var offset = 0; offset + RecordBytes <= bytes.Length; offset += RecordBytes)
            {
                rows.Add(Read(bytes.AsSpan(offset, RecordBytes)));
            }

            File.Delete(path);
            partitions.Remove(key);
            Rows -= count;
            yield return (key.Resolution, key.Date, rows);
        }
    }

    public void Dispose()
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Swept by the next backfill (its owner is gone by then).
        }
    }

    private void Append((string Resolution, DateOnly Date) partition, IReadOnlyList<CandleRow> rows, int start, int end)
    {
        var count = end - start;
        if (buffer.Length < count * RecordBytes)
        {
            buffer = new byte[count * RecordBytes];
        }

        for (var i = 0; i < count; i++)
        {
            Write(buffer.AsSpan(i * RecordBytes, RecordBytes), rows[start + i]);
        }

        if (!partitions.TryGetValue(partition, out var file))
        {
            file = (Path.Combine(directory.FullName, $"{partitions.Count.ToString(CultureInfo.InvariantCulture)}.bin"), 0);
        }

        using (var stream = new FileStream(file.Path, FileMode.Append, FileAccess.Write, FileShare.None))
        {
            stream.Write(buffer, 0, count * RecordBytes);
        }

        partitions[partition] = (file.Path, file.Rows + count);
        Rows += count;
    }

    private void Write(Span<byte> record, CandleRow row)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, Id(row.Symbol));
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], Id(row.Resolution));
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], Id(row.Source));
        BinaryPrimitives.WriteInt64LittleEndian(record[12..], row.TsUtc);
        BinaryPrimitives.WriteDoubleLittleEndian(record[20..], row.Open);
        BinaryPrimitives.WriteDoubleLittleEndian(record[28..], row.High);
        BinaryPrimitives.WriteDoubleLittleEndian(record[36..], row.Low);
        BinaryPrimitives.WriteDoubleLittleEndian(record[44..], row.Close);
        BinaryPrimitives.WriteInt64LittleEndian(record[52..], row.Volume);
    }

    private CandleRow Read(ReadOnlySpan<byte> record) => new(
        strings[BinaryPrimitives.ReadInt32LittleEndian(record)],
        strings[BinaryPrimitives.ReadInt32LittleEndian(record[4..])],
        BinaryPrimitives.ReadInt64LittleEndian(record[12..]),
        BinaryPrimitives.ReadDoubleLittleEndian(record[20..]),
        BinaryPrimitives.ReadDoubleLittleEndian(record[28..]),
        BinaryPrimitives.ReadDoubleLittleEndian(record[36..]),
        BinaryPrimitives.ReadDoubleLittleEndian(record[44..]),
        BinaryPrimitives.ReadInt64LittleEndian(record[52..]),
        strings[BinaryPrimitives.ReadInt32LittleEndian(record[8..])]);

    private int Id(string value)
    {
        if (!ids.TryGetValue(value, out var id))
        {
            id = strings.Count;
            strings.Add(value);
            ids[value] = id;
        }

        return id;
    }

    /// <summary>Spill folders of processes that no longer run (killed mid-backfill) are removed.</summary>
    private static void SweepAbandoned(string root)
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(root, Prefix + "*"))
            {
                var name = Path.GetFileName(dir)[Prefix.Length..];
                var dash = name.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process's folder, or one going away as we look: not ours to insist on.
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
