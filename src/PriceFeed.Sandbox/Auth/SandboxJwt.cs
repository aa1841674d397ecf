using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PriceFeed.Sandbox.Auth;

/// <summary>
/// Issues and checks the HS256 JWTs the sandbox hands out (fyers-protocol.md §6, §12). Hand-written: signing
/// a payload we build ourselves is a dozen lines, and JWT libraries pull in reflection that AOT rejects.
/// </summary>
internal sealed class SandboxJwt(string signingKey)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(signingKey);

    public string Issue(Action<Utf8JsonWriter> writeClaims)
    {
        var header = Base64Url.EncodeToString("""{"typ":"JWT","alg":"HS256"}"""u8);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeClaims(writer);
            writer.WriteEndObject();
        }

        var payload = Base64Url.EncodeToString(buffer.ToArray());
        var signature = Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    /// <summary>Returns the payload of a token this sandbox signed, or null.</summary>
    public JsonDocument? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
            var actual = Base64Url.DecodeFromChars(parts[2]);
            if (!CryptographicOperations.FixedTimeEquals(expected, actual))
            {
                return null;
            }

            return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
