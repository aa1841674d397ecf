using System.Text.Json;
using System.Text.Json.Serialization;
using PriceFeed.Health;

namespace PriceFeed.Hosting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

internal static class JsonSetup
{
    public static void AddPriceFeedJson(this WebApplicationBuilder builder) =>
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
}
