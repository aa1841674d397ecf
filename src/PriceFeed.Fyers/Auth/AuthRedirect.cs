using System.Web;

namespace PriceFeed.Fyers.Auth;

/// <summary>
/// What FYERS appends to the redirect URI after a login:
/// <c>?s=ok&amp;code=200&amp;auth_code=&lt;JWT&gt;&amp;state=&lt;state&gt;</c> (fyers-protocol.md §5). "code" is an
/// HTTP-style status, not the grant; the grant is auth_code. Parameters are read by name.
/// </summary>
public sealed record AuthRedirect(string AuthCode, string? State)
{
    /// <summary>Parses a whole redirect URL, or just its query, as pasted by a person.</summary>
    public static bool TryParse(string? input, out AuthRedirect? redirect, out string error)
    {
        redirect = null;
        var text = InputText.Clean(input);
        if (text.Length == 0)
        {
            error = "Paste the whole address of the page FYERS sent you to after the login (it contains auth_code=...).";
            return false;
        }

        var query = ExtractQuery(text);
        var values = HttpUtility.ParseQueryString(query);
        var status = values["s"];
        var authCode = InputText.Clean(values["auth_code"]);
        var state = values["state"] is { Length: > 0 } s ? InputText.Clean(s) : null;

        if (string.Equals(status, "error", StringComparison.OrdinalIgnoreCase))
        {
            // Our own words only: anyone can craft a redirect, so its message text is never shown.
            error = "FYERS reported an error instead of a login (for example a redirect URI that does not match the one registered in the FYERS app, or a cancelled login). Check the FYERS app's redirect URI, then start the login again.";
            return false;
        }

        if (authCode.Length == 0)
        {
            error = "That address has no auth_code. Paste the full address from the browser's address bar after the FYERS login finished (it contains auth_code=...).";
            return false;
        }

        if (!Jwt.LooksLikeJwt(authCode))
        {
            error = "The auth_code in that address is cut off or damaged. Copy the whole address again, without editing it.";
            return false;
        }

        redirect = new AuthRedirect(authCode, state);
        error = string.Empty;
        return true;
    }

    private static string ExtractQuery(string text)
    {
        var question = text.IndexOf('?', StringComparison.Ordinal);
        var query = question >= 0 ? text[(question + 1)..] : text;
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        return hash >= 0 ? query[..hash] : query;
    }
}
