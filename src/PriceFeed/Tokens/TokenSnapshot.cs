using PriceFeed.Fyers.Auth;

namespace PriceFeed.Tokens;

/// <summary>Everything stored, read in one go. Never serialised: it holds secrets.</summary>
internal sealed record TokenSnapshot(
    string? ClientId,
    string? AppSecret,
    string? RedirectUri,
    string? AccessToken,
    string? RefreshToken,
    AccountBinding? Binding,
    TokenCheck? LastCheck,
    string? SetupCodeHash = null)
{
    public AccessTokenInfo? AccessTokenInfo => AccessToken is null ? null : Fyers.Auth.AccessTokenInfo.TryDecode(AccessToken);

    public FyersCredentials? Credentials => ClientId is not null && AccessToken is not null ? new FyersCredentials(ClientId, AccessToken) : null;

    public static TokenSnapshot From(IReadOnlyDictionary<string, string> values)
    {
        string? Get(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        return new TokenSnapshot(
            Get(TokenParameters.ClientId),
            Get(TokenParameters.AppSecret),
            Get(TokenParameters.RedirectUri),
            Get(TokenParameters.AccessToken),
            Get(TokenParameters.RefreshToken),
            AccountBinding.Parse(Get(TokenParameters.BoundAccount)),
            TokenCheck.Parse(Get(TokenParameters.TokenCheck)),
            Get(TokenParameters.SetupCode));
    }
}

/// <summary>
/// The FYERS app and account this store serves; set by the first successful login. Nonce is a
/// random value made with each binding (kept by later logins of the same account): owner cookies
/// are tied to it, so a reset voids every earlier cookie for good, even if the same account binds
/// again (issue 20, W1). Bindings stored before it have none; the next login gives them one.
/// </summary>
internal sealed record AccountBinding(string ClientId, string FyId, string? Nonce = null)
{
    public string Serialize() => Nonce is null ? $"{ClientId}|{FyId}" : $"{ClientId}|{FyId}|{Nonce}";

    public static AccountBinding? Parse(string? text) => text?.Split('|') switch
    {
        [var clientId, var fyId] when clientId.Length > 0 && fyId.Length > 0 => new AccountBinding(clientId, fyId),
        [var clientId, var fyId, var nonce] when clientId.Length > 0 && fyId.Length > 0 && nonce.Length > 0 => new AccountBinding(clientId, fyId, nonce),
        _ => null,
    };

    public static string NewNonce() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public bool Matches(string clientId, string fyId) =>
        string.Equals(ClientId, clientId, StringComparison.Ordinal) && string.Equals(FyId, fyId, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The last live check of the access token against FYERS /profile.</summary>
internal sealed record TokenCheck(bool Accepted, DateTimeOffset At, string TokenFingerprint)
{
    public string Serialize() => $"{(Accepted ? "ok" : "rejected")}|{At.ToUnixTimeSeconds()}|{TokenFingerprint}";

    public static TokenCheck? Parse(string? text) =>
        text?.Split('|') is [var result, var at, var fingerprint] && long.TryParse(at, out var seconds)
            ? new TokenCheck(result == "ok", DateTimeOffset.FromUnixTimeSeconds(seconds), fingerprint)
            : null;

    /// <summary>A short, non-reversible name for a token, so a check can be tied to the token it checked.</summary>
    public static string Fingerprint(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..16];
}
