using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace PriceFeed.Sandbox.Market;

/// <summary>
/// The symbols the sandbox knows: liquid NSE names and indices, plus NSE:SYN001-EQ … NSE:SYN999-EQ for
/// tests that need many symbols, and NSE:SYN1000-EQ … NSE:SYN5999-EQ so a data-socket soak can fill a
/// connection's 5,000 topics. Anything else is unknown (-300), as on FYERS.
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

    // Company names as FYERS' symbol master spells them (upper case, "LTD"), for the watchlist search.
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["NSE:NIFTY50-INDEX"] = "NIFTY 50",
        ["NSE:NIFTYBANK-INDEX"] = "NIFTY BANK",
        ["NSE:FINNIFTY-INDEX"] = "NIFTY FINANCIAL SERVICES",
        ["NSE:INDIAVIX-INDEX"] = "INDIA VIX",
        ["BSE:SENSEX-INDEX"] = "S&P BSE SENSEX",
        ["NSE:SBIN-EQ"] = "STATE BANK OF INDIA",
        ["NSE:RELIANCE-EQ"] = "RELIANCE INDUSTRIES LTD",
        ["NSE:HDFCBANK-EQ"] = "HDFC BANK LTD",
        ["NSE:ICICIBANK-EQ"] = "ICICI BANK LTD",
        ["NSE:INFY-EQ"] = "INFOSYS LIMITED",
        ["NSE:TCS-EQ"] = "TATA CONSULTANCY SERV LT",
        ["NSE:ITC-EQ"] = "ITC LTD",
        ["NSE:LT-EQ"] = "LARSEN & TOUBRO LTD.",
        ["NSE:AXISBANK-EQ"] = "AXIS BANK LIMITED",
        ["NSE:KOTAKBANK-EQ"] = "KOTAK MAHINDRA BANK LTD",
        ["NSE:BHARTIARTL-EQ"] = "BHARTI AIRTEL LIMITED",
        ["NSE:HINDUNILVR-EQ"] = "HINDUSTAN UNILEVER LTD.",
        ["NSE:BAJFINANCE-EQ"] = "BAJAJ FINANCE LIMITED",
        ["NSE:MARUTI-EQ"] = "MARUTI SUZUKI INDIA LTD.",
        ["NSE:SUNPHARMA-EQ"] = "SUN PHARMACEUTICAL IND L",
        ["NSE:TATAMOTORS-EQ"] = "TATA MOTORS LIMITED",
        ["NSE:M&M-EQ"] = "MAHINDRA & MAHINDRA LTD",
        ["NSE:IDEA-EQ"] = "VODAFONE IDEA LIMITED",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every known symbol of an exchange ("NSE", "BSE"), the synthetic SYN001-SYN5999 included.</summary>
    public static IEnumerable<string> Of(string exchange) =>
        Known.Keys.Where(k => k.StartsWith(exchange + ":", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Concat(exchange == "NSE" ? Enumerable.Range(1, 5999).Select(n => $"NSE:SYN{n:000}-EQ") : []);

    public static string Name(string symbol) =>
        Names.TryGetValue(symbol, out var name) ? name : $"SYNTHETIC COMPANY {Underlying(symbol)[3..]}";

    [GeneratedRegex("^NSE:SYN(?<n>[0-9]{3}|[1-5][0-9]{3})-EQ$", RegexOptions.CultureInvariant)]
    private static partial Regex SyntheticName();

    public static bool IsKnown(string symbol) => Known.ContainsKey(symbol) || SyntheticName().IsMatch(symbol);

    public static bool IsIndex(string symbol) => symbol.EndsWith("-INDEX", StringComparison.Ordinal);

    public static double BasePrice(string symbol) =>
        Known.TryGetValue(symbol, out var k) ? k.Base : 100 + (SplitMix.Hash(symbol) % 2900);

    public static string FyToken(string symbol)
    {
        // Each symbol its own token, as on FYERS (the data socket names topics by it): SYNnnn is 50000 + nnn.
        var token = Known.TryGetValue(symbol, out var k) ? k.Token
            : SyntheticName().Match(symbol) is { Success: true } m ? 50000 + int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 90000 + (int)(SplitMix.Hash(symbol) % 9000);
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
