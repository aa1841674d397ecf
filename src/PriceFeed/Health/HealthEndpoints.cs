using System.Reflection;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers;

namespace PriceFeed.Health;

internal sealed record HealthResponse(string Status, string Version, string Fyers);

/// <summary>/healthz: the Lambda Web Adapter's readiness path. Cheap, no FYERS call, no secret.</summary>
internal static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/healthz", (IOptions<FyersOptions> fyers) =>
            TypedResults.Ok(new HealthResponse("ok", Version, fyers.Value.UseSandbox ? "sandbox" : "fyers")));
}
