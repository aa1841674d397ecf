using System.Reflection;

namespace PriceFeed.Web;

/// <summary>
/// The token page: its files embedded in the binary (no wwwroot to lose on Lambda, no CDN, no
/// inline script). Served at the path base root, so every link in them is relative.
/// </summary>
internal static class WebUi
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        // Browsers ask for /favicon.ico on every load whatever the page links: both answer the one icon.
        ("/data", "data.html", "text/html; charset=utf-8"),
        ("/data.js", "data.js", "text/javascript; charset=utf-8"),
        // TradingView Lightweight Charts 5.2.1 (npm lightweight-charts, Apache-2.0; Web/LIGHTWEIGHT-CHARTS-LICENSE.txt),
        // the standalone build copied unchanged: served by the binary, no CDN, so script-src stays 'self'.
        ("/lightweight-charts.js", "lightweight-charts.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "favicon.svg", "image/svg+xml"),
    ];

    public static void MapWebUi(this IEndpointRouteBuilder routes)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Load(resource);
            routes.MapGet(path, (HttpContext context) =>
            {
                // "/prod" without the slash would resolve relative links against "/": send the browser to "/prod/".
                if (path == "/" && context.Request.PathBase.HasValue && !context.Request.Path.HasValue)
                {
                    return Results.Redirect($"{context.Request.PathBase}/{context.Request.QueryString}");
                }

                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            });
        }
    }

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"PriceFeed.Web.{name}")
            ?? throw new InvalidOperationException($"The page file {name} is not embedded in this build.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
