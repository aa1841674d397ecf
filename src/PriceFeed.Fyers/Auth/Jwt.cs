using System.Buffers.Text;
using System.Text.Json;

namespace PriceFeed.Fyers.Auth;

/// <summary>
/// Reads a JWT payload without checking the signature: FYERS signs with a server secret clients never
/// have (fyers-protocol.md §6). A decode is only a hint; the server's answer (-8/-15/-16/-17) is authoritative.
/// Written by hand because the payload is all we need and the JWT libraries are reflection-heavy.
/// </summary>
internal static class Jwt
{
    public static bool LooksLikeJwt(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 3 && parts[0].Length > 0 && parts[1].Length > 0 && parts.All(IsBase64Url);
    }

    public static JsonDocument? TryReadPayload(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !IsBase64Url(parts[1]))
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(parts[1]);
            return JsonDocument.Parse(bytes);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static bool IsBase64Url(string part) =>
        part.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
