namespace PriceFeed.Fyers.Data;

/// <summary>Five-level market depth for one symbol (fyers-protocol.md §10).</summary>
public sealed record MarketDepth(
    string Symbol,
    IReadOnlyList<DepthLevel> Bids,
    IReadOnlyList<DepthLevel> Asks,
    long? TotalBuyQuantity,
    long? TotalSellQuantity,
    double? LastPrice,
    double? Open,
    double? High,
    double? Low,
    double? Close,
    long? Volume,
    double? TickSize,
    double? LowerCircuit,
    double? UpperCircuit,
    DateTimeOffset? LastTradeTime,
    bool IsSynthetic);

public sealed record DepthLevel(double Price, long Volume, int Orders);

/// <summary>One row of /data/marketStatus (fyers-protocol.md §10).</summary>
public sealed record MarketStatusEntry(int Exchange, int Segment, string MarketType, string Status)
{
    public bool IsOpen => string.Equals(Status, "OPEN", StringComparison.OrdinalIgnoreCase);
}
