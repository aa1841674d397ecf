using Parquet;
using Parquet.Schema;

namespace PriceFeed.Lake;

/// <summary>
/// The Parquet layout of a candle partition (docs/data-lake.md): rows sorted by symbol then time,
/// zstd-compressed, one row group. Uses Parquet.Net's column API, which needs no reflection.
/// </summary>
internal static class CandleParquet
{
    private static readonly DataField<string> Symbol = new("symbol");
    private static readonly DataField<string> Resolution = new("resolution");
    private static readonly DateTimeDataField TsUtc = new("ts_utc", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
    private static readonly DataField<DateOnly> DateIst = new("date_ist");
    private static readonly DataField<short> MinuteIst = new("minute_ist");
    private static readonly DataField<double> Open = new("open");
    private static readonly DataField<double> High = new("high");
    private static readonly DataField<double> Low = new("low");
    private static readonly DataField<double> Close = new("close");
    private static readonly DataField<long> Volume = new("volume");
    private static readonly DataField<string> Source = new("source");

    private static readonly ParquetSchema Schema = new(Symbol, Resolution, TsUtc, DateIst, MinuteIst, Open, High, Low, Close, Volume, Source);

    /// <summary>
    /// Parquet.Net pools its buffers without bound unless told otherwise ("indistinguishable from a
    /// memory leak", its docs say); a long backfill would keep them all. Cap what the pool keeps free.
    /// </summary>
    internal static ParquetOptions Options() => new()
    {
        CompressionMethod = CompressionMethod.Zstd,
        CompressionLevel = System.IO.Compression.CompressionLevel.Optimal,
        UseDateOnlyTypeForDates = true,
        MaximumSmallPoolFreeBytes = 4 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 16 * 1024 * 1024,
    };

    /// <summary>Rows already in file order (symbol, then time), as <see cref="CandleLake"/> merges them.</summary>
    public static async Task<byte[]> WriteSortedAsync(ArraySegment<CandleRow> rows, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(Schema, buffer, Options(), cancellationToken: cancellationToken))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Symbol, rows.Select(r => r.Symbol).ToArray());
            await group.WriteAsync(Resolution, rows.Select(r => r.Resolution).ToArray());
            await group.WriteAsync<DateTime>(TsUtc, rows.Select(r => r.Start.UtcDateTime).ToArray());
            await group.WriteAsync<DateOnly>(DateIst, rows.Select(r => r.IstDate).ToArray());
            await group.WriteAsync<short>(MinuteIst, rows.Select(r => r.IstMinute).ToArray());
            await group.WriteAsync<double>(Open, rows.Select(r => r.Open).ToArray());
            await group.WriteAsync<double>(High, rows.Select(r => r.High).ToArray());
            await group.WriteAsync<double>(Low, rows.Select(r => r.Low).ToArray());
            await group.WriteAsync<double>(Close, rows.Select(r => r.Close).ToArray());
            await group.WriteAsync<long>(Volume, rows.Select(r => r.Volume).ToArray());
            await group.WriteAsync(Source, rows.Select(r => r.Source).ToArray());
        }

        return buffer.ToArray();
    }

    public static async Task<List<CandleRow>> ReadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await using var reader = await ParquetReader.CreateAsync(stream, Options(), cancellationToken: cancellationToken);
        var total = 0L;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var counted = reader.OpenRowGroupReader(g);
            total += counted.RowCount;
        }

        var rows = new List<CandleRow>((int)Math.Min(total, int.MaxValue));
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var symbol = new string?[n];
            var resolution = new string?[n];
            var ts = new DateTime[n];
            var open = new double[n];
            var high = new double[n];
            var low = new double[n];
            var close = new double[n];
            var volume = new long[n];
            var source = new string?[n];
            await group.ReadAsync(Symbol, symbol.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync(Resolution, resolution.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync<DateTime>(TsUtc, ts, cancellationToken: cancellationToken);
            await group.ReadAsync<double>(Open, open, cancellationToken: cancellationToken);
            await group.ReadAsync<double>(High, high, cancellationToken: cancellationToken);
            await group.ReadAsync<double>(Low, low, cancellationToken: cancellationToken);
            await group.ReadAsync<double>(Close, close, cancellationToken: cancellationToken);
            await group.ReadAsync<long>(Volume, volume, cancellationToken: cancellationToken);
            await group.ReadAsync(Source, source.AsMemory(), cancellationToken: cancellationToken);
            for (var i = 0; i < n; i++)
            {
                var epoch = new DateTimeOffset(DateTime.SpecifyKind(ts[i], DateTimeKind.Utc)).ToUnixTimeSeconds();
                rows.Add(new CandleRow(symbol[i] ?? string.Empty, resolution[i] ?? string.Empty, epoch, open[i], high[i], low[i], close[i], volume[i], source[i] ?? string.Empty));
            }
        }

        return rows;
    }
}
