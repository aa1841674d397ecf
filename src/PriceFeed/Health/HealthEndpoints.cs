using System.Reflection;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers;

namespace PriceFeed.Health;

internal sealed record HealthResponse(string Status, string Version, string Fyers);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>/healthz: the Lambda Web Adapter's readiness path. Cheap, no FYERS call, no secret.</summary>
internal static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IServiceCollection AddHealth(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HealthJsonContext.Default));

    public static void MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/healthz", (IOptions<FyersOptions> fyers) =>
            TypedResults.Ok(new HealthResponse("ok", Version, fyers.Value.UseSandbox ? "sandbox" : "fyers")));
}
