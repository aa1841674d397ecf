using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Tokens;

/// <summary>The token API's wire types (storage types have their own context, TokenStoreJsonContext).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TokenStatus))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(CsrfResponse))]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(PasteRequest))]
internal sealed partial class TokenApiJsonContext : JsonSerializerContext;
