using Microsoft.AspNetCore.Antiforgery;

namespace PriceFeed.Web;

/// <summary>
/// Every state-changing API call must carry the antiforgery header (double-submit, fetched from
/// /api/csrf) and, when the browser sends one, an Origin of this site: no cross-site form or fetch
/// can change credentials or tokens.
/// </summary>
internal static class CsrfFilter
{
    public static async ValueTask<object?> ValidateAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem("Requests from other sites are refused.", statusCode: 403, title: "Cross-site request");
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.Problem("The page is out of date or the request did not come from it. Reload the page and try again.", statusCode: 400, title: "Missing or stale CSRF token");
        }

        return await next(invocation);
    }
}
