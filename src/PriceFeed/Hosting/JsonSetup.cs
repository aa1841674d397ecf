using System.Text.Json;
using System.Text.Json.Serialization;
using PriceFeed.Health;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Hosting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(TokenStatus))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(CsrfResponse))]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(PasteRequest))]
[JsonSerializable(typeof(EventRequest))]
[JsonSerializable(typeof(LambdaContext))]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

internal static class JsonSetup
{
    public static void AddPriceFeedJson(this WebApplicationBuilder builder) =>
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
}
