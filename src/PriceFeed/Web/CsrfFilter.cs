using Microsoft.AspNetCore.Antiforgery;

namespace PriceFeed.Web;

/// <summary>
/// Every state-changing API call must carry the antiforgery header (double-submit, fetched from
/// /api/csrf) and, when the browser sends one, the Origin of this site (<see cref="PublicOrigin"/>,
/// never the request's Host): no cross-site form or fetch can change credentials or tokens.
/// </summary>
internal static class CsrfFilter
{
    public static async ValueTask<object?> ValidateAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var audit = context.RequestServices.GetRequiredService<AuditLog>();
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, context.RequestServices.GetRequiredService<PublicOrigin>().Origin(context), StringComparison.OrdinalIgnoreCase))
        {
            audit.Refused(context, "csrf", "foreign Origin");
            return TypedResults.Problem("Requests from other sites are refused.", statusCode: 403, title: "Cross-site request");
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            audit.Refused(context, "csrf", "missing or stale token");
            return TypedResults.Problem("The page is out of date or the request did not come from it. Reload the page and try again.", statusCode: 400, title: "Missing or stale CSRF token");
        }

        return await next(invocation);
    }
}
