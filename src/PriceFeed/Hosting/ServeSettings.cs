namespace PriceFeed.Hosting;

/// <summary>What <c>pricefeed serve</c> was asked for.</summary>
internal sealed record ServeSettings(Uri Url, bool Sandbox, string? PathBase = null)
{
    /// <summary>
    /// 127.0.0.1:8080; on Lambda, the port the Lambda Web Adapter forwards to (AWS_LWA_PORT, else
    /// PORT, else its default 8080), so the app and the adapter can never disagree about it.
    /// </summary>
    public static string DefaultUrl => DefaultUrlFor(
        Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is null ? null : Environment.GetEnvironmentVariable("AWS_LWA_PORT") ?? Environment.GetEnvironmentVariable("PORT"));

    public static string DefaultUrlFor(string? port) =>
        $"http://127.0.0.1:{(int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p : 8080)}";

    public const string SandboxPrefix = "/sandbox/fyers";

    /// <summary>This app's own origin with a trailing slash, for the sandbox's addresses.</summary>
    public Uri Origin => new(Url.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>The origin plus the path base, where the page is.</summary>
    public Uri PageUrl => new(Origin, (NormalizedPathBase ?? string.Empty).TrimStart('/') + "/");

    /// <summary>Points the FYERS client at the sandbox mounted under <see cref="SandboxPrefix"/> of a server at <paramref name="origin"/>.</summary>
    public static void UseSandboxAt(PriceFeed.Fyers.FyersOptions options, Uri origin)
    {
        var root = new Uri(origin.GetLeftPart(UriPartial.Authority) + "/");
        options.UseSandbox = true;
        options.AuthBaseUri = new Uri(root, SandboxPrefix.TrimStart('/') + "/api/v3/");
        options.DataBaseUri = new Uri(root, SandboxPrefix.TrimStart('/') + "/data/");
        options.SymbolMasterBaseUri = new Uri(root, SandboxPrefix.TrimStart('/') + "/sym_details/");
        options.DataSocketUri = new UriBuilder(new Uri(root, SandboxPrefix.TrimStart('/') + "/hsm/v1-5/prod")) { Scheme = root.Scheme == "https" ? "wss" : "ws" }.Uri;
    }

    /// <summary>"/prod" for "prod", "/prod/" or "/prod"; null when empty.</summary>
    public string? NormalizedPathBase => string.IsNullOrWhiteSpace(PathBase) || PathBase.Trim() == "/" ? null : "/" + PathBase.Trim().Trim('/');
}
