using System.Text.Json.Serialization;

namespace PriceFeed.Tokens;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TokenStoreJsonContext : JsonSerializerContext;
