namespace PriceFeed.Hosting;

/// <summary>What <c>pricefeed serve</c> was asked for.</summary>
internal sealed record ServeSettings(Uri Url, bool Sandbox, string? PathBase = null)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public const string SandboxPrefix = "/sandbox/fyers";

    /// <summary>This app's own origin with a trailing slash, for the sandbox's addresses.</summary>
    public Uri Origin => new(Url.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>The origin plus the path base, where the page is.</summary>
    public Uri PageUrl => new(Origin, (NormalizedPathBase ?? string.Empty).TrimStart('/') + "/");

    /// <summary>"/prod" for "prod", "/prod/" or "/prod"; null when empty.</summary>
    public string? NormalizedPathBase => string.IsNullOrWhiteSpace(PathBase) || PathBase.Trim() == "/" ? null : "/" + PathBase.Trim().Trim('/');
}
