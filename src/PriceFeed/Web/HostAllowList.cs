namespace PriceFeed.Web;

/// <summary>
/// Refuses requests whose Host is not one of <see cref="PublicOrigin.AllowedHosts"/> (DNS rebinding:
/// a site that resolves its own name to 127.0.0.1 would otherwise be "same-origin" with a laptop's
/// PriceFeed). A loopback name must also carry the port PriceFeed listens on (issue 20, W6): another
/// local server's origin is another origin. ASP.NET Core's HostFiltering middleware makes the name
/// decision, but it answers with an empty body before any other middleware runs, so the refusal
/// would carry neither the security headers nor problem details nor an audit line; these few lines
/// do all three.
/// </summary>
internal static class HostAllowList
{
    public static IApplicationBuilder UseHostAllowList(this IApplicationBuilder app)
    {
        // Behind API Gateway and the adapter Kestrel listens on a port nobody outside names.
        var behindProxy = WebProtection.TrustsForwardedHeaders(app.ApplicationServices.GetRequiredService<IConfiguration>());
        return app.Use(async (context, next) =>
        {
            var allowed = context.RequestServices.GetRequiredService<PublicOrigin>().AllowedHosts;
            var host = context.Request.Host.Host;
            var named = host.Length > 0 && allowed.Any(a => string.Equals(a.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
            var loopback = PublicOrigin.LoopbackHosts.Any(a => string.Equals(a.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
            var port = context.Request.Host.Port ?? (context.Request.IsHttps ? 443 : 80);
            var rightPort = !loopback || behindProxy || context.Connection.LocalPort == 0 || port == context.Connection.LocalPort;
            if (named && rightPort)
            {
                await next(context);
                return;
            }

            context.RequestServices.GetRequiredService<AuditLog>().Refused(context, "host", named ? "Host names another port than this PriceFeed listens on" : "Host is not an allowed name of this PriceFeed");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Unknown host",
                    Detail = "This PriceFeed answers only to its own address. Open the bookmarked address (on a laptop http://127.0.0.1:8080/), or add the name to Web:AllowedHosts.",
                },
            });
        });
    }
}
