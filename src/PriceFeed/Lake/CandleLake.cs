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

            var result = await MergePartitionAsync(partition.Resolution, partition.IstDate, rows, start, end, cancellationToken);
            added += result.Added;
            replaced += result.Replaced;
            unchanged += result.Unchanged;
            start = end;
        }

        return new MergeResult(added, replaced, unchanged);
    }

    /// <summary>
    /// Merges rows[start..end), all of one partition, into its file: read once, written once if
    /// anything changed. Of two rows with the same symbol and time the later one wins. Both sides are
    /// put in file order (symbol, then time; files are written that way and a backfill's rows mostly
    /// arrive that way) and joined in one pass into the array that is written, so a partition costs
    /// two row arrays and no hash table.
    /// </summary>
    public async Task<MergeResult> MergePartitionAsync(string resolution, DateOnly istDate, IReadOnlyList<CandleRow> rows, int start, int end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var key = LakeKeys.Candles(resolution, istDate);
        var existing = InFileOrder(await ReadPartitionAsync(key, cancellationToken), 0, null);
        var incoming = InFileOrder(rows, start, end);
        var merged = new CandleRow[existing.Count + incoming.Count];
        int n = 0, e = 0, added = 0, replaced = 0, unchanged = 0;
        for (var i = 0; i < incoming.Count; i++)
        {
            // The same bar more than once in this batch: the last one stands for all.
            var row = incoming[i];
            while (i + 1 < incoming.Count && CompareKeys(incoming[i + 1], row) == 0)
            {
                row = incoming[++i];
            }

            while (e < existing.Count && CompareKeys(existing[e], row) < 0)
            {
                merged[n++] = existing[e++];
            }

            CandleRow? stored = null;
            while (e < existing.Count && CompareKeys(existing[e], row) == 0)
            {
                stored = existing[e++];
            }

            if (stored is not { } old)
            {
                added++;
            }
            else if (CandleRow.IsLive(row.Source) && !CandleRow.IsLive(old.Source))
            {
                // A bar built from the data socket never replaces FYERS' own REST bar (issue 21).
                unchanged++;
                merged[n++] = old;
                continue;
            }
            else if (old == row)
            {
                unchanged++;
            }
            else
            {
                replaced++;
            }

            merged[n++] = row;
        }

        while (e < existing.Count)
        {
            merged[n++] = existing[e++];
        }

        if (added + replaced > 0)
        {
            await LakeHashes.WriteAsync(sink, key, await CandleParquet.WriteSortedAsync(new ArraySegment<CandleRow>(merged, 0, n), cancellationToken), cancellationToken);
        }

        return new MergeResult(added, replaced, unchanged);
    }

    /// <summary>Symbol (ordinal), then time: the order of rows in a partition file.</summary>
    internal static int CompareKeys(CandleRow a, CandleRow b)
    {
        var bySymbol = string.CompareOrdinal(a.Symbol, b.Symbol);
        return bySymbol != 0 ? bySymbol : a.TsUtc.CompareTo(b.TsUtc);
    }

    /// <summary>rows[start..end) in file order, as they are when already sorted; a stable sort (later duplicates stay later) otherwise.</summary>
    private static IReadOnlyList<CandleRow> InFileOrder(IReadOnlyList<CandleRow> rows, int start, int? end)
    {
        var stop = end ?? rows.Count;
        var sorted = true;
        for (var i = start + 1; i < stop && sorted; i++)
        {
            sorted = CompareKeys(rows[i - 1], rows[i]) <= 0;
        }

        if (sorted)
        {
            return start == 0 && stop == rows.Count ? rows : new ListSlice(rows, start, stop - start);
        }

        var slice = new CandleRow[stop - start];
        for (var i = start; i < stop; i++)
        {
            slice[i - start] = rows[i];
        }

        // OrderBy is stable, which List.Sort and Array.Sort are not.
        return slice.OrderBy(r => r, Comparer<CandleRow>.Create(CompareKeys)).ToArray();
    }

    private sealed class ListSlice(IReadOnlyList<CandleRow> rows, int start, int count) : IReadOnlyList<CandleRow>
    {
        public CandleRow this[int index] => rows[start + index];

        public int Count => count;

        public IEnumerator<CandleRow> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return rows[start + i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The first IST date the lake holds bars of <paramref name="resolution"/> for; null when it holds none.</summary>
    public async Task<DateOnly?> FirstDateAsync(string resolution, CancellationToken cancellationToken) =>
        (await sink.ListAsync(LakeKeys.CandlesOf(resolution), cancellationToken))
            .Where(k => k.EndsWith(".parquet", StringComparison.Ordinal))
            .Select(LakeKeys.DateOf)
            .Min();

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
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever Parquet.Net, zstd or Thrift throw for damaged bytes (issue 19: "Data corruption
            // detected" named no file), the run names the file.
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
