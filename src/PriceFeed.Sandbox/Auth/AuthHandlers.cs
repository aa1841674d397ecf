using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Auth;

/// <summary>validate-authcode, validate-refresh-token, profile and logout (fyers-protocol.md §5-§7).</summary>
internal static class AuthHandlers
{
    public static async Task ValidateAuthCodeAsync(SandboxCall call)
    {
        // FYERS parses the body as JSON whatever the Content-Type says (fyers-protocol.md §2).
        var (context, state) = (call.Context, call.State);
        using var body = await ReadJsonAsync(context);
        var result = state.Authority.Redeem(Text(body, "grant_type"), Text(body, "appIdHash"), Text(body, "code"));
        if (!result.Ok)
        {
            await (result.Code == -437
                ? FyersBodies.Raw(context, 400, """{"code":-437,"message":"invalid auth code","s":"error"}""")
                : FyersBodies.Error(context, 400, result.Code, result.Message));
            return;
        }

        await FyersBodies.Ok(context, w =>
        {
            w.WriteString("access_token", result.AccessToken);
            if (result.RefreshToken is not null)
            {
                w.WriteString("refresh_token", result.RefreshToken);
            }
        });
    }

    /// <summary>Discontinued on 1 April 2026 (fyers-protocol.md §6): answers -501 unless the legacy flow is switched on.</summary>
    public static async Task ValidateRefreshTokenAsync(SandboxCall call)
    {
        var (context, state) = (call.Context, call.State);
        using var body = await ReadJsonAsync(context);
        var access = state.Options.LegacyRefreshFlow
            ? state.Authority.Refresh(Text(body, "appIdHash"), Text(body, "refresh_token"), Text(body, "pin"))
            : null;
        if (access is null)
        {
            await FyersBodies.Raw(context, 400, """{"code":-501,"message":"Please provide valid refresh token","s":"error"}""");
            return;
        }

        await FyersBodies.Ok(context, w => w.WriteString("access_token", access));
    }

    public static Task ProfileAsync(SandboxCall call)
    {
        var account = call.Caller.Account;
        return FyersBodies.Ok(call.Context, w =>
        {
            w.WriteStartObject("data");
            w.WriteString("name", account.Name);
            w.WriteNull("image");
            w.WriteString("display_name", account.Name);
            w.WriteString("email_id", "s*****x@example.com");
            w.WriteString("PAN", "XXXXX0000X");
            w.WriteString("fy_id", account.FyId);
            w.WriteString("pin_change_date", "01-04-2026 09:00:00");
            w.WriteNull("pwd_change_date");
            w.WriteString("mobile_number", "******0000");
            w.WriteBoolean("totp", true);
            w.WriteNumber("pwd_to_expire", 90);
            w.WriteBoolean("ddpi_enabled", false);
            w.WriteBoolean("mtf_enabled", false);
            w.WriteEndObject();
        });
    }

    public static Task LogoutAsync(SandboxCall call)
    {
        call.State.Authority.Revoke(call.Caller);
        return FyersBodies.Raw(call.Context, 200, """{"s":"ok","code":200,"message":"you are successfully logged out"}""");
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonDocument? body, string name) =>
        body is not null && body.RootElement.ValueKind == JsonValueKind.Object
        && body.RootElement.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;
}
