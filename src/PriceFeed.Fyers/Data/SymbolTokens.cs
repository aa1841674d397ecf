namespace PriceFeed.Fyers.Data;

/// <summary>symbol-token's answer (fyers-protocol.md §11): fyTokens by symbol, and the symbols FYERS does not know.</summary>
public sealed record SymbolTokens(IReadOnlyDictionary<string, string> Valid, IReadOnlyList<string> Invalid);
