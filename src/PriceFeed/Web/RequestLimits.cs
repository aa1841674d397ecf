using Microsoft.AspNetCore.Http.Features;

namespace PriceFeed.Web;

/// <summary>
/// PriceFeed's own limits on the request line and the headers, below Kestrel's (see
/// <see cref="WebProtection"/>), so a refusal carries problem details, the security headers and an
/// audit line. Kestrel answers bare only what is beyond its raised limits or not HTTP at all; its
/// BadRequests log category (on in appsettings.json) records those.
/// </summary>
internal static class RequestLimits
{
    /// <summary>The longest request target (path and query) served: the callback with FYERS' auth code is under 2 KB.</summary>
    public const int MaxTarget = 4 * 1024;

    /// <summary>The most header bytes served, Kestrel's own default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
            if (target.Length > MaxTarget)
            {
                await RefuseAsync(context, StatusCodes.Status414UriTooLong, "request-too-long", "Address too long", $"This PriceFeed answers addresses of up to {MaxTarget} characters.");
                return;
            }

            var headerBytes = 0L;
            foreach (var header in context.Request.Headers)
            {
                headerBytes += header.Key.Length + 4;
                foreach (var value in header.Value)
                {
                    headerBytes += value?.Length ?? 0;
                }
            }

            if (headerBytes > MaxHeaderBytes)
            {
                await RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers-too-large", "Headers too large", $"This PriceFeed answers requests with up to {MaxHeaderBytes / 1024} KB of headers. Clear this site's cookies and try again.");
                return;
            }

            await next(context);
        });

    private static async Task RefuseAsync(HttpContext context, int status, string @event, string title, string detail)
    {
        context.RequestServices.GetRequiredService<AuditLog>().Refused(context, @event, title.ToLowerInvariant());
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
