using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;

namespace PriceFeed.Web;

/// <summary>What a page on the internet needs around its endpoints: proxy headers, path base, limits, CSRF, headers.</summary>
internal static class WebProtection
{
    /// <summary>The per-address limit on endpoints a stranger could hammer (login, callback, state changes): 30 a minute.</summary>
    public const string RateLimitPolicy = "token-api";

    public static void AddWebProtection(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = 64 * 1024;
            o.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });

        // API Gateway -> Lambda Web Adapter -> Kestrel on loopback: trust the adapter's forwarded headers only.
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.Services.AddProblemDetails();
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.Name = "pf_csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = static (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "application/problem+json";
                return new ValueTask(context.HttpContext.Response.WriteAsync(
                    """{"title":"Too many requests","status":429,"detail":"Too many login attempts from this address. Wait a minute and try again."}""",
                    cancellationToken));
            };
        });
    }

    public static void UseWebProtection(this WebApplication app, string? pathBase)
    {
        app.UseForwardedHeaders();
        if (!string.IsNullOrWhiteSpace(pathBase) && pathBase.Trim() != "/")
        {
            // A no-op for requests without the prefix, so the same binary serves /prod/... and /...
            app.UsePathBase("/" + pathBase.Trim().Trim('/'));
        }

        app.UseExceptionHandler();
        app.UseSecurityHeaders();
        app.UseRateLimiter();
    }
}
