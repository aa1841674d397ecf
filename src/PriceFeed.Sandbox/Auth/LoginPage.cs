using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Auth;

/// <summary>
/// The sandbox's stand-in for FYERS' login screens: FYERS id, a 6-digit 2FA code, consent, then the
/// redirect with s=ok&amp;code=200&amp;auth_code=...&amp;state=... (fyers-protocol.md §5). Clearly marked synthetic.
/// </summary>
internal static class LoginPage
{
    public static Task ShowAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<SandboxState>();
        var q = context.Request.Query;
        var clientId = q["client_id"].ToString();
        var redirectUri = q["redirect_uri"].ToString();
        var problem = CheckApp(state, clientId, redirectUri, q["response_type"].ToString());
        if (problem is { } p)
        {
            context.Response.Headers[SandboxEndpoints.SyntheticHeader] = "synthetic";
            return FyersBodies.Error(context, 400, p.Code, p.Message);
        }

        // FYERS echoes state back; whether it refuses a login without one is unconfirmed, so the
        // sandbox takes the stricter answer (fyers-protocol.md §12). The Python SDK sends "None".
        if (q["state"].ToString().Length == 0)
        {
            context.Response.Headers[SandboxEndpoints.SyntheticHeader] = "synthetic";
            return FyersBodies.Error(context, 400, -50, "Invalid input: state is required");
        }

        return RenderAsync(context, state, clientId, redirectUri, q["state"].ToString(), fyId: string.Empty, consent: false, error: null);
    }

    public static async Task SubmitAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<SandboxState>();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var clientId = form["client_id"].ToString();
        var redirectUri = form["redirect_uri"].ToString();
        var loginState = form["state"].ToString();
        var fyId = form["fy_id"].ToString().Trim();
        var problem = CheckApp(state, clientId, redirectUri, "code");
        if (problem is { } p)
        {
            await FyersBodies.Error(context, 400, p.Code, p.Message);
            return;
        }

        var account = state.Authority.FindAccount(fyId);
        string? error = account is null ? "Unknown FYERS ID. Use one of the sandbox accounts listed below."
            : form["totp"].ToString().Trim() != account.Code ? "Wrong 6-digit code for this account."
            : form["consent"].ToString() != "yes" ? "Tick the consent box to let the app use your account."
            : null;
        if (error is not null)
        {
            context.Response.StatusCode = 400;
            // What FYERS' form keeps after a mistake: the ID and the consent tick, not the code.
            await RenderAsync(context, state, clientId, redirectUri, loginState, fyId, form["consent"].ToString() == "yes", error);
            return;
        }

        var code = state.Authority.IssueAuthCode(state.Authority.FindApp(clientId)!, account!);
        // FYERS' own redirect page is on the internet: the sandbox sends the same query to its stand-in,
        // beside this form's api/v3/ under the sandbox's prefix.
        var landing = redirectUri == SandboxDefaults.FyersRedirect
            ? new Uri(new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}"), "../../" + SandboxDefaults.StandInPath).AbsoluteUri
            : redirectUri;
        var separator = landing.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var target = $"{landing}{separator}s=ok&code=200&auth_code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(loginState)}";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(target);
    }

    private static (int Code, string Message)? CheckApp(SandboxState state, string clientId, string redirectUri, string responseType)
    {
        // FYERS' error shape here is UNCONFIRMED (fyers-protocol.md §12): the sandbox answers -352.
        var app = state.Authority.FindApp(clientId);
        if (app is null)
        {
            return (-352, "Invalid app id");
        }

        if (!app.Active)
        {
            return (-352, "App is not active. Activate the app in the FYERS API dashboard");
        }

        if (!app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return (-352, "Invalid redirect_uri: it does not match the redirect URI registered for this app");
        }

        return responseType == "code" ? null : (-50, "response_type must be code");
    }

    /// <summary>
    /// The stand-in for FYERS' redirect page (trade.fyers.in/api-login/redirect-uri/index.html): what
    /// a trader in paste mode copies is this page's address, which carries the auth code. Marked as
    /// the sandbox's; the address is also shown in a box, since a phone's address bar is cramped.
    /// </summary>
    public static Task StandInAsync(HttpContext context)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var address = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>FYERS redirect page (sandbox stand-in)</title>
            <style>
            body{font-family:system-ui,sans-serif;background:#f4f6fb;margin:0;padding:16px;color:#1d2433}
            main{max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 2px 12px #0001}
            .banner{background:#fff4d6;border:1px solid #f0c36d;border-radius:8px;padding:8px 12px;font-size:14px}
            textarea{width:100%;box-sizing:border-box;padding:10px;font-size:14px;border:1px solid #c6cbd6;border-radius:6px;font-family:ui-monospace,monospace}
            </style></head>
            <body><main>
            <p class="banner"><strong>Sandbox:</strong> a stand-in for FYERS' redirect page at <code>{{E(SandboxDefaults.FyersRedirect)}}</code>. The auth code is synthetic.</p>
            <h1>Login successful</h1>
            <p>Copy this page's whole address (from the address bar, or the box below) and paste it on the PriceFeed page. The code in it works once, for a few minutes.</p>
            <label for="redirect-address">This page's address</label>
            <textarea id="redirect-address" rows="5" readonly>{{E(address)}}</textarea>
            <p>You can close this tab once it is pasted.</p>
            </main></body></html>
            """;
        return WritePageAsync(context, html);
    }

    private static Task RenderAsync(HttpContext context, SandboxState state, string clientId, string redirectUri, string loginState, string fyId, bool consent, string? error)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var accounts = new StringBuilder();
        foreach (var a in state.Options.Accounts)
        {
            accounts.Append($"<li><code>{E(a.FyId)}</code> ({E(a.Name)}), code <code>{E(a.Code)}</code></li>");
        }

        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>FYERS login (sandbox)</title>
            <style>
            body{font-family:system-ui,sans-serif;background:#f4f6fb;margin:0;padding:16px;color:#1d2433}
            main{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 2px 12px #0001}
            .banner{background:#fff4d6;border:1px solid #f0c36d;border-radius:8px;padding:8px 12px;font-size:14px}
            label{display:block;margin-top:16px;font-weight:600}
            input[type=text]{width:100%;box-sizing:border-box;padding:10px;font-size:16px;border:1px solid #c6cbd6;border-radius:6px}
            button{margin-top:20px;width:100%;padding:12px;font-size:16px;background:#3d5afe;color:#fff;border:0;border-radius:6px}
            .error{color:#b00020;margin-top:12px} .hint{font-size:13px;color:#555}
            </style></head>
            <body><main>
            <p class="banner"><strong>Sandbox:</strong> PriceFeed's local stand-in for FYERS. Accounts and market data are synthetic.</p>
            <h1>Log in to FYERS</h1>
            <p>App <strong>{{E(clientId)}}</strong> wants to read your market data.</p>
            {{(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}}
            <form method="post" action="sandbox-login">
            <input type="hidden" name="client_id" value="{{E(clientId)}}">
            <input type="hidden" name="redirect_uri" value="{{E(redirectUri)}}">
            <input type="hidden" name="state" value="{{E(loginState)}}">
            <label for="fy_id">FYERS ID</label>
            <input type="text" id="fy_id" name="fy_id" autocomplete="username" value="{{E(fyId)}}" required>
            <label for="totp">6-digit 2FA code</label>
            <input type="text" id="totp" name="totp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required>
            <label><input type="checkbox" id="consent" name="consent" value="yes"{{(consent ? " checked" : string.Empty)}}> I allow this app to use my FYERS account</label>
            <button type="submit" id="authorize">Authorize</button>
            </form>
            <p class="hint">Sandbox accounts:</p><ul class="hint">{{accounts}}</ul>
            </main></body></html>
            """;
        return WritePageAsync(context, html);
    }

    /// <summary>A sandbox page: inline styles only, never framed or cached, marked synthetic.</summary>
    private static Task WritePageAsync(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers[SandboxEndpoints.SyntheticHeader] = "synthetic";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
