using System.Text.Json.Serialization;

namespace PriceFeed.Fyers.Json;

// Wire shapes of FYERS v3 (fyers-protocol.md §2-§11). Kept apart from the public model: FYERS renames and
// retypes fields (quotes "tt" is a string, depth says "bids" but "ask"), the public model does not.

internal record FyersEnvelope
{
    [JsonPropertyName("s")] public string? S { get; init; }
    [JsonPropertyName("code")] public int? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

internal sealed record TokenBody : FyersEnvelope
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }
}

internal sealed record ValidateAuthCodeRequest(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("appIdHash")] string AppIdHash,
    [property: JsonPropertyName("code")] string Code);

internal sealed record ProfileBody : FyersEnvelope
{
    [JsonPropertyName("data")] public ProfileData? Data { get; init; }
}

internal sealed record ProfileData
{
    [JsonPropertyName("fy_id")] public string? FyId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("email_id")] public string? EmailId { get; init; }
    [JsonPropertyName("totp")] public bool? Totp { get; init; }
}

internal sealed record QuotesBody : FyersEnvelope
{
    [JsonPropertyName("d")] public List<QuoteItem>? D { get; init; }
}

internal sealed record QuoteItem
{
    [JsonPropertyName("n")] public string? N { get; init; }
    [JsonPropertyName("s")] public string? S { get; init; }
    [JsonPropertyName("v")] public QuoteValues? V { get; init; }
}

internal sealed record QuoteValues
{
    [JsonPropertyName("ch")] public double? Ch { get; init; }
    [JsonPropertyName("chp")] public double? Chp { get; init; }
    [JsonPropertyName("lp")] public double? Lp { get; init; }
    [JsonPropertyName("spread")] public double? Spread { get; init; }
    [JsonPropertyName("ask")] public double? Ask { get; init; }
    [JsonPropertyName("bid")] public double? Bid { get; init; }
    [JsonPropertyName("open_price")] public double? OpenPrice { get; init; }
    [JsonPropertyName("high_price")] public double? HighPrice { get; init; }
    [JsonPropertyName("low_price")] public double? LowPrice { get; init; }
    [JsonPropertyName("prev_close_price")] public double? PrevClosePrice { get; init; }
    [JsonPropertyName("atp")] public double? Atp { get; init; }
    [JsonPropertyName("volume")] public double? Volume { get; init; }
    [JsonPropertyName("short_name")] public string? ShortName { get; init; }
    [JsonPropertyName("exchange")] public string? Exchange { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("original_name")] public string? OriginalName { get; init; }
    [JsonPropertyName("symbol")] public string? Symbol { get; init; }
    [JsonPropertyName("fyToken")] public string? FyToken { get; init; }

    // Documented as int, sent as a string of epoch seconds (fyers-protocol.md §8): accept both.
    [JsonPropertyName("tt")]
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Tt { get; init; }

    // Error items inside a batch (shape UNCONFIRMED, fyers-protocol.md §8): tolerate "code" plus "errmsg" or "message".
    [JsonPropertyName("code")] public int? Code { get; init; }
    [JsonPropertyName("errmsg")] public string? ErrMsg { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

internal sealed record DepthBody : FyersEnvelope
{
    [JsonPropertyName("d")] public Dictionary<string, DepthData>? D { get; init; }
}

internal sealed record DepthData
{
    [JsonPropertyName("totalbuyqty")] public double? TotalBuyQty { get; init; }
    [JsonPropertyName("totalsellqty")] public double? TotalSellQty { get; init; }
    [JsonPropertyName("bids")] public List<DepthLevelBody>? Bids { get; init; }
    [JsonPropertyName("ask")] public List<DepthLevelBody>? Ask { get; init; }
    [JsonPropertyName("o")] public double? O { get; init; }
    [JsonPropertyName("h")] public double? H { get; init; }
    [JsonPropertyName("l")] public double? L { get; init; }
    [JsonPropertyName("c")] public double? C { get; init; }
    [JsonPropertyName("chp")] public double? Chp { get; init; }
    [JsonPropertyName("tick_Size")] public double? TickSize { get; init; }
    [JsonPropertyName("ch")] public double? Ch { get; init; }
    [JsonPropertyName("ltq")] public double? Ltq { get; init; }
    [JsonPropertyName("ltt")] public double? Ltt { get; init; }
    [JsonPropertyName("ltp")] public double? Ltp { get; init; }
    [JsonPropertyName("v")] public double? V { get; init; }
    [JsonPropertyName("atp")] public double? Atp { get; init; }
    [JsonPropertyName("lower_ckt")] public double? LowerCkt { get; init; }
    [JsonPropertyName("upper_ckt")] public double? UpperCkt { get; init; }
    [JsonPropertyName("oi")] public double? Oi { get; init; }
}

internal sealed record DepthLevelBody
{
    [JsonPropertyName("price")] public double? Price { get; init; }
    [JsonPropertyName("volume")] public double? Volume { get; init; }
    [JsonPropertyName("ord")] public double? Ord { get; init; }
}

internal sealed record MarketStatusBody : FyersEnvelope
{
    [JsonPropertyName("marketStatus")] public List<MarketStatusItem>? MarketStatus { get; init; }
}

internal sealed record MarketStatusItem
{
    [JsonPropertyName("exchange")] public int? Exchange { get; init; }
    [JsonPropertyName("segment")] public int? Segment { get; init; }
    [JsonPropertyName("market_type")] public string? MarketType { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
}

internal sealed record SymbolTokenRequest([property: JsonPropertyName("symbols")] IReadOnlyList<string> Symbols);

internal sealed record SymbolTokenBody : FyersEnvelope
{
    [JsonPropertyName("validSymbol")] public Dictionary<string, string>? ValidSymbol { get; init; }
    [JsonPropertyName("invalidSymbol")] public List<string>? InvalidSymbol { get; init; }
}
