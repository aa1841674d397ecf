using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace PriceFeed.Tokens;

/// <summary>
/// Carries the outcome of /callback to the page after the redirect to a clean URL, in an encrypted
/// HttpOnly cookie of this browser, so no message or code travels in the address bar.
/// </summary>
internal sealed class LoginResultCookie(IDataProtectionProvider dataProtection)
{
    private const string CookieName = "pf_result";
    private readonly IDataProtector protector = dataProtection.CreateProtector("PriceFeed.Tokens.LoginResult.v1");

    public void Set(HttpContext context, bool ok, string message) =>
        context.Response.Cookies.Append(CookieName, protector.Protect((ok ? "1" : "0") + message), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
            MaxAge = TimeSpan.FromMinutes(10),
        });

    public LoginResultView? Read(HttpContext context)
    {
        var value = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            var text = protector.Unprotect(value);
            return new LoginResultView(text.StartsWith('1'), text[1..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
