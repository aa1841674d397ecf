using System.Security.Cryptography;
using System.Text;

namespace PriceFeed.Fyers.Auth;

/// <summary>appIdHash = lowercase hex SHA-256 of "client_id:secret" (fyers-protocol.md §5). The secret itself is never sent.</summary>
public static class AppIdHash
{
    public static string Compute(string clientId, string appSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(appSecret);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{clientId}:{appSecret}"));
        return Convert.ToHexStringLower(hash);
    }
}
