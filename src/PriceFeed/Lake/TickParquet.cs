using Parquet;
using Parquet.Schema;
using PriceFeed.Live;

namespace PriceFeed.Lake;

/// <summary>
/// The Parquet layout of a day of ticks (docs/data-lake.md, "ticks"): rows sorted by symbol then
/// exchange time, one row group, zstd. Prices are DECIMAL(18,4) over INT64, so DuckDB, Athena and
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

    public static async Task<byte[]> WriteAsync(IReadOnlyList<LiveTick> ticks, CancellationToken cancellationToken)
    {
        var rows = ticks.OrderBy(t => t.Symbol, StringComparer.Ordinal).ThenBy(t => t.At).ThenBy(t => t.ReceivedAt).ToArray();
        var options = CandleParquet.Options();
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(Schema, buffer, options, cancellationToken: cancellationToken))
        {
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

        return buffer.ToArray();
    }

    public static async Task<List<LiveTick>> ReadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await using var reader = await ParquetReader.CreateAsync(stream, CandleParquet.Options(), cancellationToken: cancellationToken);
        var ticks = new List<LiveTick>();
        for (var g = 0; g < reader.RowGroupCount; g++)
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
            for (var i = 0; i < n; i++)
            {
                static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
                ticks.Add(new LiveTick(symbol[i] ?? string.Empty, Utc(ts[i]), price[i], volume[i], received[i] is { } r ? Utc(r) : null, bid[i], ask[i], oi[i]) { Source = source[i] });
            }
        }

        return ticks;
    }
}
