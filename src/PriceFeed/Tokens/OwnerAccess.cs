using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace PriceFeed.Tokens;

/// <summary>
/// Who may change this PriceFeed. Before the first login binds an account, only someone holding the
/// one-time setup code (printed by <c>pricefeed serve</c>, <c>pricefeed token setup-code</c> and
/// <c>token reset-binding</c>, where PriceFeed is installed) may store credentials or start a login;
/// afterwards only the bound FYERS account can complete a login. A browser that proved either gets
/// the owner cookie, which also unlocks the details the public does not see (docs/token-generator.md,
/// "Threat model").
/// </summary>
internal sealed class OwnerAccess(ITokenStore store, IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string CookieName = "pf_owner";

    /// <summary>A browser stays the owner's this long after its last login of the bound account.</summary>
    public static readonly TimeSpan BoundLifetime = TimeSpan.FromDays(180);

    /// <summary>A setup-code proof lasts a day: long enough to finish the first login.</summary>
    public static readonly TimeSpan SetupLifetime = TimeSpan.FromDays(1);

    // No 0/O or 1/I/L: the code is read off a terminal and typed on a phone.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    private readonly IDataProtector protector = dataProtection.CreateProtector("PriceFeed.Tokens.Owner.v1");

    /// <summary>
    /// A new setup code, replacing any earlier one: 16 characters from a 31-letter alphabet (79 bits),
    /// stored only as its SHA-256. Returned once, to be printed where PriceFeed is installed.
    /// </summary>
    public async Task<string> NewSetupCodeAsync(CancellationToken cancellationToken)
    {
        var chars = new char[16];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        var code = $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}-{new string(chars, 12, 4)}";
        await store.PutAsync(new Dictionary<string, string> { [TokenParameters.SetupCode] = Hash(code) }, cancellationToken);
        return code;
    }

    /// <summary>Whether <paramref name="code"/> is the current setup code (spaces, dashes and case ignored).</summary>
    public static bool MatchesSetupCode(TokenSnapshot snapshot, string? code)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Binding is null && snapshot.SetupCodeHash is { } stored && !string.IsNullOrWhiteSpace(code)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Hash(code)));
    }

    /// <summary>Marks this browser as the owner's for what the store now is (setup proven, or the bound account logged in).</summary>
    public void Issue(HttpContext context, TokenSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Proof(snapshot) is not { } proof)
        {
            return;
        }

        var lifetime = snapshot.Binding is null ? SetupLifetime : BoundLifetime;
        context.Response.Cookies.Append(CookieName, protector.Protect($"{time.GetUtcNow().ToUnixTimeSeconds()}|{proof}"), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
    }

    /// <summary>
    /// Whether this browser proved it is the owner of the store as it is now: a cookie from a login
    /// of the bound account (void after <c>reset-binding</c> or a new binding), or from the current
    /// setup code while nothing is bound.
    /// </summary>
    public bool IsOwner(HttpContext context, TokenSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cookie = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(cookie) || Proof(snapshot) is not { } expected)
        {
            return false;
        }

        try
        {
            var parts = protector.Unprotect(cookie).Split('|', 2);
            var issued = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
            var lifetime = snapshot.Binding is null ? SetupLifetime : BoundLifetime;
            return time.GetUtcNow() - issued <= lifetime
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[1]), Encoding.ASCII.GetBytes(expected));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// What an owner cookie is tied to: the binding with its random nonce (a reset and a new binding
    /// of the same account make a new one), or while unbound the current setup code (random too).
    /// </summary>
    private static string? Proof(TokenSnapshot snapshot) =>
        snapshot.Binding is { } binding ? "bound:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(binding.Serialize())))
        : snapshot.SetupCodeHash is { } setup ? "setup:" + setup
        : null;

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(new string([.. text.Where(char.IsLetterOrDigit)]).ToUpperInvariant())));
}
