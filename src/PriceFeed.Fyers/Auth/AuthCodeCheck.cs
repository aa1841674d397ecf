using System.Globalization;
using System.Text.Json;

namespace PriceFeed.Fyers.Auth;

/// <summary>
/// A look at an auth code before it is spent on validate-authcode (fyers-protocol.md §6): FYERS' codes
/// are JWTs with <c>sub</c> "auth_code", the app's id without its type suffix in <c>app_id</c>, and an
/// expiry 30,000 s after issue. Decoded, not verified (the signature is FYERS' secret): it keeps a
/// made-up or stale code from costing an exchange with the owner's FYERS app (issue 20, W3). A forged
/// code of the right shape still reaches FYERS, which refuses it; nothing is stored either way.
/// </summary>
public static class AuthCodeCheck
{
    /// <summary>Clock difference allowed between this machine and FYERS.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Null when the code may be FYERS' for this app; otherwise one sentence saying why not.</summary>
    public static string? Problem(string? authCode, string clientId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        using var payload = Jwt.TryReadPayload(InputText.Clean(authCode));
        if (payload is null || payload.RootElement.ValueKind != JsonValueKind.Object
            || !payload.RootElement.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String || sub.GetString() != "auth_code")
        {
            return "That is not a FYERS auth code, so nothing was sent to FYERS. Start the login again from the token page.";
        }

        var root = payload.RootElement;
        var appId = clientId.Split('-')[0];
        if (root.TryGetProperty("app_id", out var app) && app.ValueKind == JsonValueKind.String && !string.Equals(app.GetString(), appId, StringComparison.OrdinalIgnoreCase))
        {
            return "That auth code is for another FYERS app than the one PriceFeed stores, so nothing was sent to FYERS. Start the login again from the token page.";
        }

        if (Epoch(root, "exp") is { } expires && now > expires + Skew)
        {
            return $"That auth code expired at {expires.ToOffset(TimeSpan.FromMinutes(330)).ToString("HH:mm 'IST on' ddd d MMM", CultureInfo.InvariantCulture)}, so nothing was sent to FYERS. Start the login again from the token page.";
        }

        return null;
    }

    private static DateTimeOffset? Epoch(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && (e.ValueKind == JsonValueKind.Number ? e.TryGetInt64(out var n) : long.TryParse(e.ValueKind == JsonValueKind.String ? e.GetString() : null, NumberStyles.None, CultureInfo.InvariantCulture, out n))
            ? DateTimeOffset.FromUnixTimeSeconds(n)
            : null;
}
