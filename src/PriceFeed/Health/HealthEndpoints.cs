using System.Net;
using System.Reflection;
using PriceFeed.Hosting;

namespace PriceFeed.Health;

internal sealed record HealthResponse(string Status, string Version, string Fyers);

/// <summary>/healthz (the adapter's readiness path) and a plain status page until the token UI lands.</summary>
internal static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static void MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/healthz", (Microsoft.Extensions.Options.IOptions<PriceFeed.Fyers.FyersOptions> fyers) =>
            TypedResults.Ok(new HealthResponse("ok", Version, fyers.Value.UseSandbox ? "sandbox" : "fyers")));

    public static void MapStatusPage(this IEndpointRouteBuilder routes, ServeSettings settings) =>
        routes.MapGet("/", () => TypedResults.Content(StatusHtml(settings), "text/html; charset=utf-8"));

    private static string StatusHtml(ServeSettings settings)
    {
        var mode = settings.Sandbox
            ? "<p><strong>FYERS sandbox mode:</strong> accounts and market data are synthetic.</p>"
            : "<p>Connected to FYERS (api-t1.fyers.in).</p>";
        return $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>PriceFeed</title></head><body><h1>PriceFeed</h1>{mode}
            <p>Version {WebUtility.HtmlEncode(Version)}. Health: <a href="healthz">healthz</a>.</p></body></html>
            """;
    }
}
