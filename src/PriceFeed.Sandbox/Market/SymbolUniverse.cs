using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace PriceFeed.Sandbox.Market;

/// <summary>
/// The symbols the sandbox knows: liquid NSE names and indices, plus NSE:SYN001-EQ … NSE:SYN999-EQ for
/// tests that need many symbols. Anything else is unknown (-300), as on FYERS.
/// </summary>
internal static partial class SymbolUniverse
{
    private static readonly FrozenDictionary<string, (double Base, int Token)> Known = new Dictionary<string, (double, int)>
    {
        ["NSE:NIFTY50-INDEX"] = (24000, 26000),
        ["NSE:NIFTYBANK-INDEX"] = (52000, 26009),
        ["NSE:FINNIFTY-INDEX"] = (23500, 26037),
        ["NSE:INDIAVIX-INDEX"] = (14, 26017),
        ["BSE:SENSEX-INDEX"] = (80000, 1),
        ["NSE:SBIN-EQ"] = (820, 3045),
        ["NSE:RELIANCE-EQ"] = (1400, 2885),
        ["NSE:HDFCBANK-EQ"] = (1900, 1333),
        ["NSE:ICICIBANK-EQ"] = (1350, 4963),
        ["NSE:INFY-EQ"] = (1600, 1594),
        ["NSE:TCS-EQ"] = (3400, 11536),
        ["NSE:ITC-EQ"] = (420, 1660),
        ["NSE:LT-EQ"] = (3600, 11483),
        ["NSE:AXISBANK-EQ"] = (1150, 5900),
        ["NSE:KOTAKBANK-EQ"] = (2000, 1922),
        ["NSE:BHARTIARTL-EQ"] = (1900, 10604),
        ["NSE:HINDUNILVR-EQ"] = (2400, 1394),
        ["NSE:BAJFINANCE-EQ"] = (900, 317),
        ["NSE:MARUTI-EQ"] = (12500, 10999),
        ["NSE:SUNPHARMA-EQ"] = (1700, 3351),
        ["NSE:TATAMOTORS-EQ"] = (700, 3456),
        ["NSE:M&M-EQ"] = (3100, 2031),
        ["NSE:IDEA-EQ"] = (8, 14366),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    [GeneratedRegex("^NSE:SYN(?<n>[0-9]{3})-EQ$", RegexOptions.CultureInvariant)]
    private static partial Regex SyntheticName();

    public static bool IsKnown(string symbol) => Known.ContainsKey(symbol) || SyntheticName().IsMatch(symbol);

    public static bool IsIndex(string symbol) => symbol.EndsWith("-INDEX", StringComparison.Ordinal);

    public static double BasePrice(string symbol) =>
        Known.TryGetValue(symbol, out var k) ? k.Base : 100 + (SplitMix.Hash(symbol) % 2900);

    public static string FyToken(string symbol)
    {
        var token = Known.TryGetValue(symbol, out var k) ? k.Token : 50000 + (int)(SplitMix.Hash(symbol) % 40000);
        var prefix = symbol.StartsWith("BSE:", StringComparison.Ordinal) ? "1210" : "1010";
        return $"{prefix}000000{token}";
    }

    public static string ShortName(string symbol) => symbol[(symbol.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static string Exchange(string symbol) => symbol[..symbol.IndexOf(':', StringComparison.Ordinal)];

    public static string Underlying(string symbol)
    {
        var name = ShortName(symbol);
        var dash = name.LastIndexOf('-');
        return dash > 0 ? name[..dash] : name;
    }
}
