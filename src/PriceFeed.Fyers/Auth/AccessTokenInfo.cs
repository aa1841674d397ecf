using System.Text.Json;

namespace PriceFeed.Fyers.Auth;

/// <summary>
/// What an access token says about itself (fyers-protocol.md §6). Decoded, not verified: use it to show
/// "valid until" and to refuse an obviously dead token, never as proof that FYERS will accept it.
/// </summary>
public sealed record AccessTokenInfo(
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? FyId,
    string? DisplayName,
    bool HasHsmKey,
    string? Subject)
{
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Decodes the payload; returns null when the text is not a JWT with iat and exp.</summary>
    public static AccessTokenInfo? TryDecode(string? token)
    {
        var cleaned = InputText.Clean(token);
        using var payload = Jwt.TryReadPayload(cleaned);
        if (payload is null || payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var root = payload.RootElement;
        if (!TryEpoch(root, "iat", out var iat) || !TryEpoch(root, "exp", out var exp))
        {
            return null;
        }

        var hsm = root.TryGetProperty("hsm_key", out var h) && h.ValueKind == JsonValueKind.String && h.GetString()!.Length > 0;
        return new AccessTokenInfo(iat, exp, String(root, "fy_id"), String(root, "display_name"), hsm, String(root, "sub"));
    }

    private static bool TryEpoch(JsonElement root, string name, out DateTimeOffset value)
    {
        value = default;
        if (!root.TryGetProperty(name, out var e))
        {
            return false;
        }

        long seconds;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out seconds))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), out seconds))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return false;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
