using Parquet;
using Parquet.Schema;
using PriceFeed.Lake;

namespace PriceFeed.Live;

/// <summary>
/// The Parquet layout of a day of ticks (docs/data-lake.md, "ticks"): row groups of up to 100,000
/// ticks in arrival order, each sorted by symbol then exchange time, zstd. Prices are DECIMAL(18,4) over INT64, so DuckDB, Athena and
/// pandas read them as exact prices without a view, and consecutive ticks' small steps compress to a
/// byte or two where doubles would not; times are INT64 milliseconds (TIMESTAMP, UTC).
/// </summary>
internal static class TickParquet
{
    private static readonly DataField<string> Symbol = new("symbol");
    private static readonly DateTimeDataField Ts = new("ts_utc", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
    private static readonly DateTimeDataField Received = new("received_utc", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
    private static readonly DecimalDataField Price = new("price", 18, 4);
    private static readonly DataField<long?> DayVolume = new("day_volume");
    private static readonly DecimalDataField Bid = new("bid", 18, 4, isNullable: true);
    private static readonly DecimalDataField Ask = new("ask", 18, 4, isNullable: true);
    private static readonly DataField<long?> OpenInterest = new("open_interest");
    private static readonly DataField<string> Source = new("source");

    private static readonly ParquetSchema Schema = new(Symbol, Ts, Received, Price, DayVolume, Bid, Ask, OpenInterest, Source);

    /// <summary>
    /// Ticks a row group holds at most: a day is written and read a row group at a time, so memory
    /// stays bounded by it. 500,000 ran out of a 384 MB heap (a 512 MB Lambda's) compacting 200
    /// symbols' day; 100,000 peaks at about 350 MB for a 5% bigger file (docs/benchmarks.md).
    /// </summary>
    public const int RowGroupTicks = 100_000;

    /// <summary>The file's metadata key naming the tick logs already in it (their SHA-256s), so a log compacted before a crash is not added twice.</summary>
    public const string LogsKey = "pricefeed.tick_logs";

    /// <summary>A day's ticks from a list (tests, small days): one call, the file's bytes.</summary>
    public static async Task<byte[]> WriteAsync(IReadOnlyList<LiveTick> ticks, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await WriteAsync(ToAsync(ticks), buffer, [], cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes ticks as they come, in row groups of <see cref="RowGroupTicks"/>, each sorted by symbol
    /// then time (a tick's small step from the one before is what compresses), a tick repeated inside a
    /// row group kept once. Returns the ticks written and the repeats left out.
    /// </summary>
    public static async Task<(long Ticks, long Duplicates)> WriteAsync(IAsyncEnumerable<LiveTick> ticks, Stream output, IReadOnlyList<string> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(logs);
        var written = 0L;
        var duplicates = 0L;
        var chunk = new List<LiveTick>(Math.Min(RowGroupTicks, 65_536));
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, CandleParquet.Options(), cancellationToken: cancellationToken);
        writer.CustomMetadata = new Dictionary<string, string> { [LogsKey] = string.Join(',', logs) };
        // A tick is its symbol, exchange time, price and day volume: the same tick from two
        // connections (two stream shifts in their overlap) or a frame sent twice is stored once. The
        // row group before is remembered too, so a repeat across a row group's edge is caught.
        var previous = new HashSet<(string, DateTimeOffset, decimal, long?)>();
        async Task FlushAsync()
        {
            var seen = new HashSet<(string, DateTimeOffset, decimal, long?)>();
            var rows = chunk.Where(t => !previous.Contains((t.Symbol, t.At, t.Price, t.DayVolume)) && seen.Add((t.Symbol, t.At, t.Price, t.DayVolume))).OrderBy(t => t.Symbol, StringComparer.Ordinal).ThenBy(t => t.At).ThenBy(t => t.ReceivedAt).ToArray();
            duplicates += chunk.Count - rows.Length;
            previous = seen;
            written += rows.Length;
            chunk.Clear();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Symbol, rows.Select(r => r.Symbol).ToArray());
            await group.WriteAsync<DateTime>(Ts, rows.Select(r => r.At.UtcDateTime).ToArray());
            await group.WriteAsync<DateTime>(Received, rows.Select(r => r.ReceivedAt?.UtcDateTime).ToArray());
            await group.WriteAsync<decimal>(Price, rows.Select(r => r.Price).ToArray());
            await group.WriteAsync<long>(DayVolume, rows.Select(r => r.DayVolume).ToArray());
            await group.WriteAsync<decimal>(Bid, rows.Select(r => r.Bid).ToArray());
            await group.WriteAsync<decimal>(Ask, rows.Select(r => r.Ask).ToArray());
            await group.WriteAsync<long>(OpenInterest, rows.Select(r => r.OpenInterest).ToArray());
            await group.WriteAsync(Source, rows.Select(r => r.Source ?? "fyers-live").ToArray());
        }

        await foreach (var tick in ticks.WithCancellation(cancellationToken))
        {
            chunk.Add(tick);
            if (chunk.Count == RowGroupTicks)
            {
                await FlushAsync();
            }
        }

        if (chunk.Count > 0 || written == 0)
        {
            await FlushAsync();
        }

        return (written, duplicates);
    }

    /// <summary>A file's ticks and its repeats (a tick twice in a row group), read a row group at a time.</summary>
    public static async Task<(long Ticks, long Duplicates)> CountAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await CountAsync(stream, cancellationToken);
    }

    /// <summary>A file's ticks and repeats from a seekable stream (a file on disk), a row group at a time.</summary>
    public static async Task<(long Ticks, long Duplicates)> CountAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, CandleParquet.Options(), leaveStreamOpen: true, cancellationToken: cancellationToken);
        var (ticks, duplicates) = (0L, 0L);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = await ReadGroupAsync(reader, g, cancellationToken);
            ticks += group.Count;
            duplicates += group.Count - group.Select(t => (t.Symbol, t.At, t.Price, t.DayVolume)).Distinct().Count();
        }

        return (ticks, duplicates);
    }

    /// <summary>The tick logs (SHA-256s) a file says it holds.</summary>
    public static async Task<IReadOnlyList<string>> LogsInAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await LogsInAsync(stream, cancellationToken);
    }

    /// <summary>The tick logs a file says it holds, read from a seekable stream (a file on disk).</summary>
    public static async Task<IReadOnlyList<string>> LogsInAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, CandleParquet.Options(), leaveStreamOpen: true, cancellationToken: cancellationToken);
        return reader.CustomMetadata.TryGetValue(LogsKey, out var logs) ? logs.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    private static async IAsyncEnumerable<LiveTick> ToAsync(IReadOnlyList<LiveTick> ticks)
    {
        foreach (var tick in ticks)
        {
            yield return tick;
        }

        await Task.CompletedTask;
    }

    /// <summary>Every tick of a file, a row group at a time.</summary>
    public static async IAsyncEnumerable<LiveTick> ReadEachAsync(byte[] bytes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await foreach (var tick in ReadEachAsync(stream, cancellationToken))
        {
            yield return tick;
        }
    }

    /// <summary>Every tick of a file on disk (any seekable stream), a row group at a time: memory stays one row group.</summary>
    public static async IAsyncEnumerable<LiveTick> ReadEachAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, CandleParquet.Options(), leaveStreamOpen: true, cancellationToken: cancellationToken);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            foreach (var tick in await ReadGroupAsync(reader, g, cancellationToken))
            {
                yield return tick;
            }
        }
    }

    public static async Task<List<LiveTick>> ReadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var ticks = new List<LiveTick>();
        await foreach (var tick in ReadEachAsync(bytes, cancellationToken))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    private static async Task<List<LiveTick>> ReadGroupAsync(ParquetReader reader, int g, CancellationToken cancellationToken)
    {
        using var group = reader.OpenRowGroupReader(g);
        var n = (int)group.RowCount;
        var symbol = new string?[n];
        var ts = new DateTime[n];
        var received = new DateTime?[n];
        var price = new decimal[n];
        var volume = new long?[n];
        var bid = new decimal?[n];
        var ask = new decimal?[n];
        var oi = new long?[n];
        var source = new string?[n];
        await group.ReadAsync(Symbol, symbol.AsMemory(), cancellationToken: cancellationToken);
        await group.ReadAsync<DateTime>(Ts, ts, cancellationToken: cancellationToken);
        await group.ReadAsync<DateTime>(Received, received, cancellationToken: cancellationToken);
        await group.ReadAsync<decimal>(Price, price, cancellationToken: cancellationToken);
        await group.ReadAsync<long>(DayVolume, volume, cancellationToken: cancellationToken);
        await group.ReadAsync<decimal>(Bid, bid, cancellationToken: cancellationToken);
        await group.ReadAsync<decimal>(Ask, ask, cancellationToken: cancellationToken);
        await group.ReadAsync<long>(OpenInterest, oi, cancellationToken: cancellationToken);
        await group.ReadAsync(Source, source.AsMemory(), cancellationToken: cancellationToken);
        var ticks = new List<LiveTick>(n);
        for (var i = 0; i < n; i++)
        {
            static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
            ticks.Add(new LiveTick(symbol[i] ?? string.Empty, Utc(ts[i]), price[i], volume[i], received[i] is { } r ? Utc(r) : null, bid[i], ask[i], oi[i]) { Source = source[i] });
        }

        return ticks;
    }
}
