namespace PriceFeed.Fyers.Data;

/// <summary>The answer to one history request: the candles of one allowed chunk of a range.</summary>
public sealed record HistoryChunk(
    string Symbol,
    Resolution Resolution,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<Candle> Candles,
    DateTimeOffset FetchedAt,
    bool IsSynthetic)
{
    /// <summary>
    /// A bar is complete once its end is at or before the moment it was fetched; the last bar of a
    /// range that reaches "now" is still forming and will change (fyers-protocol.md §9, §13.10).
    /// </summary>
    public bool IsComplete(Candle candle)
    {
        if (Resolution.BarLength is { } length && Resolution.IsIntraday)
        {
            return candle.Start + length <= FetchedAt;
        }

        // Daily/weekly/monthly bars are stamped 00:00 UTC of their IST trading date. A daily bar is
        // final once the day's session and closing auction are over (16:00 IST); weekly and monthly
        // bars once their period has ended.
        var barDate = DateOnly.FromDateTime(candle.Start.UtcDateTime);
        var fetchedIstDate = DateOnly.FromDateTime(MarketTime.ToIst(FetchedAt).DateTime);
        return Resolution.Kind switch
        {
            ResolutionKind.Weekly => barDate.AddDays(7) <= fetchedIstDate,
            ResolutionKind.Monthly => barDate.AddMonths(1) <= fetchedIstDate,
            _ => FetchedAt >= MarketTime.At(barDate, DailyBarFinalAt),
        };
    }

    private static readonly TimeOnly DailyBarFinalAt = new(16, 0);

    /// <summary>The candles that will not change any more.</summary>
    public IEnumerable<Candle> CompleteCandles => Candles.Where(IsComplete);
}
