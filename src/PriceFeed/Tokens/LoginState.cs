using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace PriceFeed.Tokens;

/// <summary>
/// The OAuth "state" of a login this browser started: random, single use, 10 minutes, and bound to
/// the browser by an HttpOnly cookie that holds it encrypted. Nothing is kept server-side, so a login
/// can start on one Lambda instance and finish on another; single use is enforced by clearing the
/// cookie and by remembering used states in this process. The state is mandatory.
/// </summary>
internal sealed class LoginState(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string CookieName = "pf_login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    // The expiry is checked against the injected clock, not inside Data Protection (which reads the wall clock).
    private readonly IDataProtector protector = dataProtection.CreateProtector("PriceFeed.Tokens.LoginState.v1");

    private readonly Dictionary<string, DateTimeOffset> used = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Starts a login: a new state and the cookie that binds it to this browser.</summary>
    public string Begin(HttpContext context)
    {
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var sealedState = protector.Protect($"{time.GetUtcNow().ToUnixTimeSeconds()}|{state}");
        context.Response.Cookies.Append(CookieName, sealedState, CookieOptions(context, Lifetime));
        return state;
    }

    /// <summary>
    /// Checks the state FYERS echoed (or the pasted URL carried) against this browser's cookie and
    /// consumes it, before any code is used. A redirect without a state is refused: FYERS always
    /// echoes it (fyers-protocol.md §5), so its absence means the address was made by someone else.
    /// </summary>
    public string? Consume(HttpContext context, string? returnedState)
    {
        var cookie = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(returnedState))
        {
            // The pending login of this browser stays usable: a forged link must not use it up.
            return "That address has no state, so it cannot be tied to a login started on this page. Use the address FYERS sends you to after a login started here.";
        }

        if (string.IsNullOrEmpty(cookie))
        {
            return "This browser did not start a FYERS login in the last 10 minutes. Start the login again from this page.";
        }

        string expected;
        try
        {
            var parts = protector.Unprotect(cookie).Split('|', 2);
            var started = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
            if (time.GetUtcNow() - started > Lifetime)
            {
                context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
                return "The login expired (logins must finish within 10 minutes). Start the login again from this page.";
            }

            expected = parts[1];
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IndexOutOfRangeException)
        {
            context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
            return "The login cookie of this browser is not valid. Start the login again from this page.";
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(returnedState)))
        {
            // The pending login stays: a link from another site (the cookie is SameSite=Lax) must not
            // cancel the owner's real login before FYERS' redirect arrives (issue 20, W4).
            return "That login was not started by this page (the state does not match). Start the login again from this page and use the newest redirect.";
        }

        context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));

        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var old in used.Where(u => u.Value < now).Select(u => u.Key).ToList())
            {
                used.Remove(old);
            }

            if (!used.TryAdd(expected, now + Lifetime))
            {
                return "That login was already used. Start the login again from this page.";
            }
        }

        return null;
    }

    private static CookieOptions CookieOptions(HttpContext context, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,

        // Lax, not Strict: the cookie must come back on the top-level redirect from FYERS to /callback.
        SameSite = SameSiteMode.Lax,
        Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
