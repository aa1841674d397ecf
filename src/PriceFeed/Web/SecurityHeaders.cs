namespace PriceFeed.Web;

/// <summary>Headers for a page that will be on the internet (the auth code passes through /callback).</summary>
internal static class SecurityHeaders
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// Set as the response starts, not as the request arrives: the exception handler clears headers
    /// before it writes a 500, and what is set at the start survives that.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => { Apply((HttpContext)state); return Task.CompletedTask; }, context);
            return next(context);
        });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        // A page that set its own policy keeps it (the sandbox's FYERS login page posts its form and
        // is redirected to the FYERS app's redirect URI, which this app's form-action would block).
        if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = Csp;
        }

        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin-allow-popups";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        }

        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/callback") || context.Response.StatusCode >= 400)
        {
            headers.CacheControl = "no-store";
        }
    }
}
