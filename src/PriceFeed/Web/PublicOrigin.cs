namespace PriceFeed.Web;

/// <summary>
/// Where the public reaches this app, and so the only names it answers to. <c>Web:PublicOrigin</c>
/// (on AWS the API Gateway endpoint or a custom domain, set by Terraform) fixes the origin that CSRF
/// checks compare with and that the FYERS callback URL is built from; without it (a laptop) the
/// origin is the request's own, and the host filter has already limited that to loopback names. The
/// request's Host header is never trusted beyond that list (DNS rebinding).
/// </summary>
internal sealed class PublicOrigin
{
    /// <summary>The names a laptop install answers to; any other Host is refused (400).</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public PublicOrigin(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["Web:PublicOrigin"];
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                throw new InvalidOperationException($"Web:PublicOrigin must be a scheme and host only, such as https://abc123.execute-api.ap-south-1.amazonaws.com; '{text}' is not.");
            }

            Configured = uri.GetLeftPart(UriPartial.Authority);
        }

        var extra = (configuration["Web:AllowedHosts"] ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        AllowedHosts = [.. LoopbackHosts, .. extra, .. Configured is null ? [] : new[] { new Uri(Configured).Host }];
    }

    /// <summary>scheme://host[:port] from configuration, or null on a laptop.</summary>
    public string? Configured { get; }

    /// <summary>Host names (no port) the host filter lets through: loopback names, Web:AllowedHosts and the public origin's host.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>The origin a same-site browser request carries.</summary>
    public string Origin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Configured ?? $"{context.Request.Scheme}://{context.Request.Host}";
    }

    /// <summary>This app's own /callback, path base included.</summary>
    public string CallbackUrl(HttpContext context) => $"{Origin(context)}{context.Request.PathBase}/callback";
}
