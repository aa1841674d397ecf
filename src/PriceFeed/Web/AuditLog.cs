namespace PriceFeed.Web;

/// <summary>
/// One structured line per refusal (refused write, CSRF failure, bad state, binding refusal, rate
/// limit, unknown host): the event, the client address as this app sees it, and the outcome. Never
/// a secret, a code or a token; the reason is always our own words.
/// </summary>
internal sealed partial class AuditLog(ILogger<AuditLog> logger)
{
    /// <summary>The longest path an audit line repeats; the rest is cut, with a mark.</summary>
    private const int MaxPath = 200;

    public void Refused(HttpContext context, string @event, string reason) =>
        Log.Refused(logger, @event, ClientAddress(context), Printable(context.Request.Method, 16), Printable(context.Request.Path.Value ?? string.Empty, MaxPath), reason);

    /// <summary>
    /// What a client sent, safe to print on the owner's terminal: control characters (CR, LF, ESC, BEL,
    /// backspace, DEL and the C1 range) become \uXXXX, so a request cannot forge log lines, clear the
    /// screen or change colours (issue 20, W2); long values are cut.
    /// </summary>
    public static string Printable(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new System.Text.StringBuilder(Math.Min(value.Length, max) + 8);
        foreach (var c in value)
        {
            if (text.Length >= max)
            {
                text.Append("...(cut)");
                break;
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

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
