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
            // Kestrel's own 414 and 431 are bare (no body, no security headers, no audit line): its
            // limits sit above PriceFeed's, which RequestLimits enforces with all three (issue 20, W5).
            o.Limits.MaxRequestLineSize = 32 * 1024;
            o.Limits.MaxRequestHeadersTotalSize = 96 * 1024;
        });

        builder.Services.AddSingleton(new PublicOrigin(builder.Configuration));

        // API Gateway -> Lambda Web Adapter -> Kestrel on loopback: the adapter's forwarded headers are
        // trusted there and only there (ForwardLimit 1: the address API Gateway appended, not one a
        // client wrote). A laptop trusts none, so no header can change the address rate limits count.
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
        });
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
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.RequestServices.GetRequiredService<AuditLog>().Refused(http, "rate-limit", "more than 30 a minute from this address");
                http.Response.ContentType = "application/problem+json";
                return new ValueTask(http.Response.WriteAsync(
                    """{"title":"Too many requests","status":429,"detail":"Too many login attempts from this address. Wait a minute and try again."}""",
                    cancellationToken));
            };
        });
    }

    public static void UseWebProtection(this WebApplication app, string? pathBase)
    {
        // Headers first, so every answer has them: refusals, problem details and 500s included.
        app.UseSecurityHeaders();

        // Parsing refusals (400, 413, 415) get problem details, not empty bodies.
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.UseHostAllowList();
        if (TrustsForwardedHeaders(app.Configuration))
        {
            app.UseForwardedHeaders();
        }

        if (!string.IsNullOrWhiteSpace(pathBase) && pathBase.Trim() != "/")
        {
            // A no-op for requests without the prefix, so the same binary serves /prod/... and /...
            app.UsePathBase("/" + pathBase.Trim().Trim('/'));
        }

        app.UseExceptionHandler();
        app.UseRateLimiter();
    }

    /// <summary>Web:TrustForwardedHeaders, by default on in Lambda (behind API Gateway and the adapter) and off elsewhere.</summary>
    public static bool TrustsForwardedHeaders(IConfiguration configuration) =>
        configuration.GetValue("Web:TrustForwardedHeaders", !string.IsNullOrEmpty(configuration["AWS_LAMBDA_FUNCTION_NAME"]));
}
