using System.Text;
using System.Text.Json;

namespace PriceFeed.Lake;

/// <summary>
/// Merge-on-write over partition files: rows are keyed by (symbol, resolution, ts), a later fetch of
/// the same bar replaces the earlier one, so reruns and overlapping ranges never duplicate a row.
/// Per-symbol cursors record the last stored bar, which is where the next run starts.
/// </summary>
public sealed class CandleLake(IDataSink sink)
{
    /// <summary>Stores a run's batch (bars merged, rejects quarantined, cursors advanced, in that order) and empties it; returns the bars written.</summary>
    public async Task<int> StoreAsync(CandleBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var written = 0;
        if (batch.Rows.Count > 0)
        {
            written = (await MergeAsync(batch.Rows, cancellationToken)).Written;
        }

        if (batch.Rejected.Count > 0)
        {
            await QuarantineAsync(batch.Rejected, cancellationToken);
        }

        await AdvanceCursorsAsync(batch.Cursors, cancellationToken);
        batch.Clear();
        return written;
    }

    public async Task<MergeResult> MergeAsync(List<CandleRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // Sorted in place by partition, then merged one contiguous run at a time: no grouped copy of a
        // large backfill batch is ever made.
        rows.Sort(static (a, b) => (a.Resolution, a.IstDate).CompareTo((b.Resolution, b.IstDate)));
        var added = 0;
        var replaced = 0;
        var unchanged = 0;
        for (var start = 0; start < rows.Count;)
        {
            var end = start;
            var partition = (rows[start].Resolution, rows[start].IstDate);
            while (end < rows.Count && (rows[end].Resolution, rows[end].IstDate) == partition)
            {
                end++;
            }

            var key = LakeKeys.Candles(partition.Resolution, partition.IstDate);
            var existing = await ReadPartitionAsync(key, cancellationToken);
            var merged = new Dictionary<(string, long), CandleRow>(existing.Count + (end - start));
            foreach (var row in existing)
            {
                merged[(row.Symbol, row.TsUtc)] = row;
            }

            var changed = false;
            for (var i = start; i < end; i++)
            {
                var row = rows[i];
                if (!merged.TryGetValue((row.Symbol, row.TsUtc), out var old))
                {
                    added++;
                    changed = true;
                }
                else if (old != row)
                {
                    replaced++;
                    changed = true;
                }
                else
                {
                    unchanged++;
                }

                merged[(row.Symbol, row.TsUtc)] = row;
            }

            if (changed)
            {
                await sink.WriteAsync(key, await CandleParquet.WriteAsync([.. merged.Values], cancellationToken), cancellationToken);
            }

            start = end;
        }

        return new MergeResult(added, replaced, unchanged);
    }

    public async Task<List<CandleRow>> ReadAsync(string resolution, DateOnly istDate, CancellationToken cancellationToken) =>
        await ReadPartitionAsync(LakeKeys.Candles(resolution, istDate), cancellationToken);

    /// <summary>Appends rejected bars with their reason to the partition's quarantine file (JSON lines).</summary>
    public async Task QuarantineAsync(IEnumerable<QuarantinedBar> bars, CancellationToken cancellationToken)
    {
        foreach (var partition in bars.GroupBy(b => (b.Row.Resolution, b.Row.IstDate)))
        {
            var key = LakeKeys.Quarantine(partition.Key.Resolution, partition.Key.IstDate);
            var existing = await sink.ReadAsync(key, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : string.Empty;
            var lines = new HashSet<string>(existing.Split('\n', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            var builder = new StringBuilder(existing);
            foreach (var bar in partition)
            {
                var line = JsonSerializer.Serialize(new QuarantineLine(bar.Row.Symbol, bar.Row.Resolution, bar.Row.TsUtc, bar.Row.Open, bar.Row.High, bar.Row.Low, bar.Row.Close, bar.Row.Volume, bar.Row.Source, bar.Reason), LakeJsonContext.Default.QuarantineLine);
                if (lines.Add(line))
                {
                    builder.Append(line).Append('\n');
                }
            }

            await sink.WriteAsync(key, Encoding.UTF8.GetBytes(builder.ToString()), cancellationToken);
        }
    }

    /// <summary>"symbol|resolution" → epoch seconds of the last stored bar's start.</summary>
    public async Task<Dictionary<string, long>> ReadCursorsAsync(CancellationToken cancellationToken) =>
        await sink.ReadAsync(LakeKeys.Cursors, cancellationToken) is { } bytes
            ? JsonSerializer.Deserialize(bytes, LakeJsonContext.Default.DictionaryStringInt64) ?? []
            : [];

    /// <summary>Moves cursors forward only: an older write never rewinds a newer cursor.</summary>
    public async Task AdvanceCursorsAsync(IReadOnlyDictionary<string, long> cursors, CancellationToken cancellationToken)
    {
        if (cursors.Count == 0)
        {
            return;
        }

        var all = await ReadCursorsAsync(cancellationToken);
        foreach (var (key, ts) in cursors)
        {
            if (!all.TryGetValue(key, out var old) || ts > old)
            {
                all[key] = ts;
            }
        }

        await sink.WriteAsync(LakeKeys.Cursors, JsonSerializer.SerializeToUtf8Bytes(all, LakeJsonContext.Default.DictionaryStringInt64), cancellationToken);
    }

    /// <summary>Writes the cursors as given, backwards included: only <c>verify --repair</c> rewinds them, to before a gap.</summary>
    public Task ReplaceCursorsAsync(Dictionary<string, long> cursors, CancellationToken cancellationToken) =>
        sink.WriteAsync(LakeKeys.Cursors, JsonSerializer.SerializeToUtf8Bytes(cursors, LakeJsonContext.Default.DictionaryStringInt64), cancellationToken);

    public static string CursorKey(string symbol, string resolution) => $"{symbol}|{resolution}";

    private async Task<List<CandleRow>> ReadPartitionAsync(string key, CancellationToken cancellationToken)
    {
        if (await sink.ReadAsync(key, cancellationToken) is not { } bytes)
        {
            return [];
        }

        try
        {
            return await CandleParquet.ReadAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // A damaged file is never merged over: the run stops here and says which file it is.
            var date = key.Split('/').FirstOrDefault(p => p.StartsWith("date=", StringComparison.Ordinal))?[5..];
            throw new LakeFileException($"The lake file {key} cannot be read as Parquet ({e.Message}). Nothing was changed. Move it out of the lake, then fetch that day again: pricefeed backfill --from {date} --to {date}.", e);
        }
    }
}

public readonly record struct MergeResult(int Added, int Replaced, int Unchanged)
{
    public int Written => Added + Replaced;
}

public sealed record QuarantinedBar(CandleRow Row, string Reason);

internal sealed record QuarantineLine(string Symbol, string Resolution, long TsUtc, double Open, double High, double Low, double Close, long Volume, string Source, string Reason);
