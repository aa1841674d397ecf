using Parquet;
using Parquet.Schema;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Lake;

/// <summary>A quotes snapshot as Parquet (docs/data-lake.md): one row per symbol, stamped with the fetch time.</summary>
internal static class QuoteParquet
{
    private static readonly DataField<string> Symbol = new("symbol");
    private static readonly DateTimeDataField FetchedAt = new("fetched_at_utc", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
    private static readonly DataField<double> Last = new("ltp");
    private static readonly DataField<double?> Bid = new("bid");
    private static readonly DataField<double?> Ask = new("ask");
    private static readonly DataField<double?> Open = new("open");
    private static readonly DataField<double?> High = new("high");
    private static readonly DataField<double?> Low = new("low");
    private static readonly DataField<double?> PreviousClose = new("prev_close");
    private static readonly DataField<long?> Volume = new("volume");
    private static readonly DataField<string> Source = new("source");
    private static readonly ParquetSchema Schema = new(Symbol, FetchedAt, Last, Bid, Ask, Open, High, Low, PreviousClose, Volume, Source);

    public static async Task<byte[]> WriteAsync(QuotesResult result, string source, CancellationToken cancellationToken)
    {
        var q = result.Quotes.OrderBy(x => x.Symbol, StringComparer.Ordinal).ToArray();
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(Schema, buffer, CandleParquet.Options(), cancellationToken: cancellationToken))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Symbol, q.Select(x => x.Symbol).ToArray());
            await group.WriteAsync<DateTime>(FetchedAt, q.Select(_ => result.FetchedAt.UtcDateTime).ToArray());
            await group.WriteAsync<double>(Last, q.Select(x => x.LastPrice).ToArray());
            await group.WriteAsync<double>(Bid, q.Select(x => x.Bid).ToArray());
            await group.WriteAsync<double>(Ask, q.Select(x => x.Ask).ToArray());
            await group.WriteAsync<double>(Open, q.Select(x => x.Open).ToArray());
            await group.WriteAsync<double>(High, q.Select(x => x.High).ToArray());
            await group.WriteAsync<double>(Low, q.Select(x => x.Low).ToArray());
            await group.WriteAsync<double>(PreviousClose, q.Select(x => x.PreviousClose).ToArray());
            await group.WriteAsync<long>(Volume, q.Select(x => x.Volume).ToArray());
            await group.WriteAsync(Source, q.Select(_ => source).ToArray());
        }

        return buffer.ToArray();
    }
}
