using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Auth;

/// <summary>validate-authcode, validate-refresh-token, profile and logout (reference §3.4, §3.5, §3.7).</summary>
internal static class AuthHandlers
{
    public static async Task ValidateAuthCodeAsync(HttpContext context, SandboxState state)
    {
        // FYERS parses the body as JSON whatever the Content-Type says (reference §2.1).
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

    /// <summary>Discontinued on 1 April 2026 (reference §3.5): answers -501 unless the legacy flow is switched on.</summary>
    public static async Task ValidateRefreshTokenAsync(HttpContext context, SandboxState state)
    {
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

    public static Task ProfileAsync(HttpContext context, SandboxState state)
    {
        var owner = SandboxEndpoints.Owner(context, state);
        if (owner is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenUser);
        }

        var account = owner.Account;
        return FyersBodies.Ok(context, w =>
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

    public static Task LogoutAsync(HttpContext context, SandboxState state)
    {
        var owner = SandboxEndpoints.Owner(context, state);
        if (owner is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenLogout);
        }

        state.Authority.Revoke(owner);
        return FyersBodies.Raw(context, 200, """{"s":"ok","code":200,"message":"you are successfully logged out"}""");
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
