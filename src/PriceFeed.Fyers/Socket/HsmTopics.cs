namespace PriceFeed.Fyers.Socket;

/// <summary>
/// The data socket's topic for a symbol (fyers-protocol.md §16): <c>sf|segment|token</c> for a scrip,
/// <c>if|segment|name</c> for an index, the segment from the fyToken's first four digits. The index
/// names are the ones docs/fyers-protocol.md §16 confirms; for other indices the SDKs use the name
/// between ':' and '-', and so does this.
/// </summary>
public static class HsmTopics
{
    private static readonly Dictionary<string, string> Segments = new(StringComparer.Ordinal)
    {
        ["1010"] = "nse_cm",
        ["1011"] = "nse_fo",
        ["1012"] = "cde_fo",
        ["1020"] = "nse_com",
        ["1120"] = "mcx_fo",
        ["1210"] = "bse_cm",
        ["1211"] = "bse_fo",
        ["1212"] = "bcs_fo",
    };

    private static readonly Dictionary<string, string> IndexNames = new(StringComparer.Ordinal)
    {
        ["NSE:NIFTY50-INDEX"] = "Nifty 50",
        ["NSE:NIFTYBANK-INDEX"] = "Nifty Bank",
        ["BSE:SENSEX-INDEX"] = "SENSEX",
    };

    /// <summary>The symbol's topic, or null when its fyToken has a segment the socket does not serve.</summary>
    public static string? For(string symbol, string fyToken, bool depth = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        ArgumentException.ThrowIfNullOrEmpty(fyToken);
        if (fyToken.Length <= 10 || !Segments.TryGetValue(fyToken[..4], out var segment))
        {
            return null;
        }

        if (symbol.EndsWith("-INDEX", StringComparison.Ordinal))
        {
            // Indices have no depth.
            return depth ? null : $"if|{segment}|{IndexName(symbol)}";
        }

        return $"{(depth ? "dp" : "sf")}|{segment}|{fyToken[10..]}";
    }

    private static string IndexName(string symbol)
    {
        if (IndexNames.TryGetValue(symbol, out var name))
        {
            return name;
        }

        var colon = symbol.IndexOf(':', StringComparison.Ordinal);
        var dash = symbol.LastIndexOf('-');
        return dash > colon ? symbol[(colon + 1)..dash] : symbol[(colon + 1)..];
    }
}
