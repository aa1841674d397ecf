namespace PriceFeed.Fyers.Data;

/// <summary>A quote snapshot (fyers-protocol.md §8). Prices in rupees; TradingDay is "tt", 00:00 UTC of the trading date.</summary>
public sealed record Quote(
    string Symbol,
    double LastPrice,
    double? Change,
    double? ChangePercent,
    double? Bid,
    double? Ask,
    double? Open,
    double? High,
    double? Low,
    double? PreviousClose,
    double? AverageTradedPrice,
    long? Volume,
    string? FyToken,
    DateOnly? TradingDay);

/// <summary>A symbol of a quotes batch that FYERS refused, kept rather than thrown away.</summary>
public sealed record QuoteError(string Symbol, int? Code, string Message);

/// <summary>All quotes of one call of <c>GetQuotesAsync</c>, however many batches it took.</summary>
public sealed record QuotesResult(IReadOnlyList<Quote> Quotes, IReadOnlyList<QuoteError> Errors, DateTimeOffset FetchedAt, bool IsSynthetic);
