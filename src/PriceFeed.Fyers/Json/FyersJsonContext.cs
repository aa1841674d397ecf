using System.Text.Json.Serialization;

namespace PriceFeed.Fyers.Json;

[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(FyersEnvelope))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(ValidateAuthCodeRequest))]
[JsonSerializable(typeof(ProfileBody))]
[JsonSerializable(typeof(QuotesBody))]
[JsonSerializable(typeof(DepthBody))]
[JsonSerializable(typeof(MarketStatusBody))]
[JsonSerializable(typeof(SymbolTokenRequest))]
[JsonSerializable(typeof(SymbolTokenBody))]
internal sealed partial class FyersJsonContext : JsonSerializerContext;
