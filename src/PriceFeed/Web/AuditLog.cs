namespace PriceFeed.Web;

/// <summary>
/// One structured line per refusal (refused write, CSRF failure, bad state, binding refusal, rate
/// limit, unknown host): the event, the client address as this app sees it, and the outcome. Never
/// a secret, a code or a token; the reason is always our own words.
/// </summary>
internal sealed partial class AuditLog(ILogger<AuditLog> logger)
{
    public void Refused(HttpContext context, string @event, string reason) =>
        Log.Refused(logger, @event, ClientAddress(context), context.Request.Method, context.Request.Path.Value ?? string.Empty, reason);

    public void Allowed(HttpContext context, string @event) =>
        Log.Allowed(logger, @event, ClientAddress(context));

    /// <summary>The peer address after the proxy rules of <see cref="WebProtection"/> (none on a laptop).</summary>
    public static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Warning, "audit refused event={Event} client={ClientIp} request={Method} {Path} reason={Reason}")]
        public static partial void Refused(ILogger logger, string @event, string clientIp, string method, string path, string reason);

        [LoggerMessage(101, LogLevel.Information, "audit allowed event={Event} client={ClientIp}")]
        public static partial void Allowed(ILogger logger, string @event, string clientIp);
    }
}
