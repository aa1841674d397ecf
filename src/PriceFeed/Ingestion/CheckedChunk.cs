using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>A chunk after <see cref="CandleCheck.Inspect"/>: the bars to store, the ones quarantined, and the count expected.</summary>
internal sealed record CheckedChunk(SymbolReport Report, List<CandleRow> Rows, List<QuarantinedBar> Rejected, int Expected);
