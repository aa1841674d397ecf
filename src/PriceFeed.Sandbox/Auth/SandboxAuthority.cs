using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace PriceFeed.Sandbox.Auth;

/// <summary>
/// Issues auth codes and tokens with FYERS' claims (fyers-protocol.md §6, §12) and checks them on the way back.
/// Access tokens die at the first 06:00 IST after issue, on the sandbox clock, so tests cross the reset.
/// </summary>
internal sealed class SandboxAuthority(SandboxOptions options, TimeProvider time)
{
    private static readonly TimeSpan Ist = Market.SyntheticMarket.Ist;
    private readonly SandboxJwt jwt = new(options.SigningKey);
    private readonly ConcurrentDictionary<string, AuthCodeGrant> codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> tokenApps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HsmGrant> hsmKeys = new(StringComparer.Ordinal);
    private long revokedBefore;

    public SandboxApp? FindApp(string? clientId) =>
        options.Apps.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.Ordinal));

    public SandboxAccount? FindAccount(string? fyId) =>
        options.Accounts.FirstOrDefault(a => string.Equals(a.FyId, fyId?.Trim(), StringComparison.OrdinalIgnoreCase));

    public string IssueAuthCode(SandboxApp app, SandboxAccount account)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var uuid = Guid.NewGuid().ToString();
        codes[uuid] = new AuthCodeGrant(app.ClientId, account.FyId, time.GetUtcNow() + options.AuthCodeValidity);
        return jwt.Issue(w =>
        {
            w.WriteString("iss", "api.login.fyers.in");
            w.WriteNumber("iat", now);
            w.WriteNumber("exp", now + 30000);
            w.WriteNumber("nbf", now);
            w.WriteString("aud", """["d:1","d:2","x:0","x:1"]""");
            w.WriteString("sub", "auth_code");
            w.WriteString("display_name", account.FyId);
            w.WriteString("oms", "K1");
            w.WriteString("hsm_key", HsmKey());
            w.WriteString("isDdpiEnabled", "N");
            w.WriteString("isMtfEnabled", "N");
            w.WriteString("nonce", string.Empty);
            w.WriteString("app_id", app.AppId);
            w.WriteString("uuid", uuid);
            w.WriteString("ipAddr", "127.0.0.1");
            w.WriteString("scope", string.Empty);
        });
    }

    /// <summary>validate-authcode's checks, in the order FYERS reports them.</summary>
    public RedeemResult Redeem(string? grantType, string? appIdHash, string? code)
    {
        if (!string.Equals(grantType, "authorization_code", StringComparison.Ordinal))
        {
            return RedeemResult.Fail(-441, "invalid grant type");
        }

        if (string.IsNullOrEmpty(appIdHash))
        {
            return RedeemResult.Fail(-371, "Please provide sha256 hash of appId and app secret");
        }

        if (string.IsNullOrEmpty(code))
        {
            return RedeemResult.Fail(-374, "Please provide authorization code.");
        }

        using var payload = jwt.Verify(code);
        if (payload is null || Claim(payload, "sub") != "auth_code" || Claim(payload, "uuid") is not { } uuid
            || !codes.TryRemove(uuid, out var grant) || grant.ExpiresAt <= time.GetUtcNow())
        {
            return RedeemResult.Fail(-437, "invalid auth code");
        }

        var app = FindApp(grant.ClientId);
        if (app is null || !app.Active)
        {
            return RedeemResult.Fail(-352, "Invalid app id");
        }

        var expected = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{app.ClientId}:{app.Secret}")));
        if (!string.Equals(expected, appIdHash, StringComparison.Ordinal))
        {
            return RedeemResult.Fail(-371, "Please provide sha256 hash of appId and app secret");
        }

        var account = FindAccount(grant.FyId)!;
        var access = IssueAccessToken(app, account);
        var refresh = options.IssueRefreshToken ? IssueRefreshToken(account) : null;
        return new RedeemResult(true, 200, string.Empty, access, refresh);
    }

    /// <summary>The pre-2026 refresh flow (fyers-protocol.md §6): a valid refresh token, the app's hash and a PIN give a new access token.</summary>
    public string? Refresh(string? appIdHash, string? refreshToken, string? pin)
    {
        if (string.IsNullOrEmpty(refreshToken) || string.IsNullOrEmpty(pin) || pin.Length != 4 || !pin.All(char.IsAsciiDigit))
        {
            return null;
        }

        using var payload = jwt.Verify(refreshToken);
        if (payload is null || Claim(payload, "sub") != "refresh_token"
            || payload.RootElement.GetProperty("exp").GetInt64() <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        var app = options.Apps.FirstOrDefault(a => a.Active && string.Equals(
            Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{a.ClientId}:{a.Secret}"))), appIdHash, StringComparison.Ordinal));
        var account = FindAccount(Claim(payload, "fy_id"));
        return app is null || account is null ? null : IssueAccessToken(app, account);
    }

    /// <summary>The account behind an "client_id:token" header, or null when FYERS would refuse it.</summary>
    public TokenOwner? Check(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return null;
        }

        var colon = authorization.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var clientId = authorization[..colon].Trim();
        var token = authorization[(colon + 1)..].Trim();
        using var payload = jwt.Verify(token);
        if (payload is null || Claim(payload, "sub") != "access_token" || FindApp(clientId) is null)
        {
            return null;
        }

        var root = payload.RootElement;
        var exp = root.GetProperty("exp").GetInt64();
        var iat = root.GetProperty("iat").GetInt64();
        var hash = Claim(payload, "at_hash") ?? string.Empty;
        if (exp <= time.GetUtcNow().ToUnixTimeSeconds() || iat <= Interlocked.Read(ref revokedBefore) || revoked.ContainsKey(hash))
        {
            return null;
        }

        if (tokenApps.TryGetValue(hash, out var issuedTo) && !string.Equals(issuedTo, clientId, StringComparison.Ordinal))
        {
            return null;
        }

        var account = FindAccount(Claim(payload, "fy_id"));
        return account is null ? null : new TokenOwner(clientId, account, hash);
    }

    /// <summary>
    /// The account behind a data socket's auth frame (fyers-protocol.md §16): the <c>hsm_key</c> of an
    /// access token this sandbox issued, under the same rules as the token itself (expiry, revocation).
    /// </summary>
    public TokenOwner? CheckHsmKey(string? hsmKey)
    {
        if (string.IsNullOrEmpty(hsmKey) || !hsmKeys.TryGetValue(hsmKey, out var grant))
        {
            return null;
        }

        if (grant.ExpiresAt <= time.GetUtcNow().ToUnixTimeSeconds() || grant.IssuedAt <= Interlocked.Read(ref revokedBefore) || revoked.ContainsKey(grant.TokenHash))
        {
            return null;
        }

        var account = FindAccount(grant.FyId);
        return account is null ? null : new TokenOwner(grant.ClientId, account, grant.TokenHash);
    }

    public void Revoke(TokenOwner owner) => revoked[owner.TokenHash] = 1;

    /// <summary>Every token issued so far stops working, as if FYERS revoked them server-side.</summary>
    public void RevokeAll() => Interlocked.Exchange(ref revokedBefore, time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>The first 06:00 IST after <paramref name="issuedAt"/>, keeping its seconds (fyers-protocol.md §6).</summary>
    public static DateTimeOffset NextMorningReset(DateTimeOffset issuedAt)
    {
        var ist = issuedAt.ToOffset(Ist);
        var reset = new DateTimeOffset(ist.Year, ist.Month, ist.Day, 6, 0, ist.Second, Ist);
        return reset > ist ? reset : reset.AddDays(1);
    }

    private string IssueAccessToken(SandboxApp app, SandboxAccount account)
    {
        var now = time.GetUtcNow();
        var iat = now.ToUnixTimeSeconds();
        var atHash = Convert.ToBase64String(RandomNumberGenerator.GetBytes(90));
        tokenApps[atHash] = app.ClientId;
        var hsmKey = HsmKey();
        var expiresAt = NextMorningReset(DateTimeOffset.FromUnixTimeSeconds(iat)).ToUnixTimeSeconds();
        hsmKeys[hsmKey] = new HsmGrant(app.ClientId, account.FyId, atHash, iat, expiresAt);
        return jwt.Issue(w =>
        {
            w.WriteString("iss", "api.fyers.in");
            w.WriteNumber("iat", iat);
            w.WriteNumber("exp", expiresAt);
            w.WriteNumber("nbf", iat);
            w.WriteStartArray("aud");
            foreach (var a in new[] { "x:0", "x:1", "x:2", "d:1", "d:2", "x:1", "x:0" })
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
            w.WriteString("sub", "access_token");
            w.WriteString("at_hash", atHash);
            w.WriteString("display_name", account.Name);
            w.WriteString("oms", "K1");
            w.WriteString("hsm_key", hsmKey);
            w.WriteString("isDdpiEnabled", "N");
            w.WriteString("isMtfEnabled", "N");
            w.WriteString("fy_id", account.FyId);
            w.WriteNumber("appType", app.AppType);
            w.WriteString("poa_flag", "N");
        });
    }

    private string IssueRefreshToken(SandboxAccount account)
    {
        var iat = time.GetUtcNow().ToUnixTimeSeconds();
        return jwt.Issue(w =>
        {
            w.WriteString("iss", "api.fyers.in");
            w.WriteNumber("iat", iat);
            w.WriteNumber("exp", iat + (15 * 86400));
            w.WriteNumber("nbf", iat);
            w.WriteString("sub", "refresh_token");
            w.WriteString("fy_id", account.FyId);
        });
    }

    private static string HsmKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(28));

    private static string? Claim(JsonDocument payload, string name) =>
        payload.RootElement.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private sealed record AuthCodeGrant(string ClientId, string FyId, DateTimeOffset ExpiresAt);

    private sealed record HsmGrant(string ClientId, string FyId, string TokenHash, long IssuedAt, long ExpiresAt);
}

internal sealed record TokenOwner(string ClientId, SandboxAccount Account, string TokenHash);

internal sealed record RedeemResult(bool Ok, int Code, string Message, string? AccessToken, string? RefreshToken)
{
    public static RedeemResult Fail(int code, string message) => new(false, code, message, null, null);
}
