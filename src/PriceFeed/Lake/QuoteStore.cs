using System.Globalization;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Lake;

/// <summary>Quote snapshots in the lake: quotes/date=.../HHmm.parquet, one file per minute (a rerun in the same minute replaces it).</summary>
public sealed class QuoteStore(IDataSink sink)
{
    public async Task<string> WriteAsync(QuotesResult result, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bytes = await QuoteParquet.WriteAsync(result, source, cancellationToken);
        var ist = MarketTime.ToIst(result.FetchedAt);
        var key = LakeKeys.Quotes(DateOnly.FromDateTime(ist.DateTime), ist.ToString("HHmm", CultureInfo.InvariantCulture));
        await LakeHashes.WriteAsync(sink, key, bytes, cancellationToken);
        return key;
    }
}
