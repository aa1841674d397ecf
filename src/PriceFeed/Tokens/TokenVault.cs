using System.Security.Cryptography;
using System.Text;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;

namespace PriceFeed.Tokens;

/// <summary>
/// The token generator's rules over the store: credentials, the login's exchange, the account
/// binding and the live check. Shared by the web API and the CLI. Secrets go in, never out: every
/// result carries masked ids and messages only.
/// </summary>
internal sealed partial class TokenVault(ITokenStore store, FyersAuthClient auth, TimeProvider time, Calendar.MarketCalendar calendar, Microsoft.Extensions.Options.IOptions<TokenStoreOptions> options, ILogger<TokenVault> logger, TokenStoredSignal? stored = null)
{
    /// <summary>However often anyone asks, FYERS sees at most one /profile check a minute (its budget is the owner's).</summary>
    public static readonly TimeSpan CheckReuse = TimeSpan.FromMinutes(1);

    public async Task<TokenSnapshot> ReadAsync(CancellationToken cancellationToken) =>
        TokenSnapshot.From(await store.GetAsync(TokenParameters.All, cancellationToken));

    /// <summary>Only what a job needs (<see cref="TokenParameters.ForJobs"/>): the ingestion role may read nothing more.</summary>
    public async Task<TokenSnapshot> ReadForJobsAsync(CancellationToken cancellationToken) =>
        TokenSnapshot.From(await store.GetAsync(TokenParameters.ForJobs, cancellationToken));

    public async Task<TokenStatus> StatusAsync(CancellationToken cancellationToken) =>
        TokenStatus.From(await ReadAsync(cancellationToken), time.GetUtcNow(), calendar);

    public async Task<VaultResult> SaveCredentialsAsync(string? clientIdText, string? appSecretText, string? redirectUriText, string? currentSecret, CancellationToken cancellationToken)
    {
        var clientId = ClientId.Normalize(clientIdText, out var clientIdError);
        if (clientId is null)
        {
            return VaultResult.Fail(VaultOutcome.InvalidInput, clientIdError!);
        }

        var secret = (appSecretText ?? string.Empty).Trim().Trim('\uFEFF', '"', '\'');
        if (secret.Length is < 4 or > 200 || secret.Any(char.IsWhiteSpace))
        {
            return VaultResult.Fail(VaultOutcome.InvalidInput, "Enter the App Secret shown next to the Client ID in the FYERS API dashboard (no spaces).");
        }

        Uri? redirectUri = null;
        if (!string.IsNullOrWhiteSpace(redirectUriText)
            && (!Uri.TryCreate(redirectUriText.Trim(), UriKind.Absolute, out redirectUri) || redirectUri.Scheme is not ("https" or "http")))
        {
            return VaultResult.Fail(VaultOutcome.InvalidInput, "The redirect URI must be the full http(s) address registered in the FYERS app, or empty to use this page's own callback.");
        }

        if (options.Value.OwnerClientId is { Length: > 0 } pinned && !string.Equals(ClientId.Normalize(pinned, out _), clientId, StringComparison.Ordinal))
        {
            Log.PinnedAppRefused(logger, clientId);
            return VaultResult.Fail(VaultOutcome.Conflict, $"This PriceFeed is set up for the FYERS app {pinned} only (Tokens:OwnerClientId, set at deploy).");
        }

        var snapshot = await ReadAsync(cancellationToken);
        if (snapshot.Binding is { } binding)
        {
            if (snapshot.AppSecret is null || currentSecret is null || !FixedTimeEquals(snapshot.AppSecret, currentSecret.Trim()))
            {
                return VaultResult.Fail(VaultOutcome.CurrentSecretNeeded, "This PriceFeed is already set up. To replace the credentials, also enter the current App Secret (or run 'pricefeed token reset-binding' where PriceFeed is installed).");
            }

            if (!string.Equals(binding.ClientId, clientId, StringComparison.Ordinal))
            {
                return VaultResult.Fail(VaultOutcome.Conflict, $"This PriceFeed is bound to the FYERS app {binding.ClientId}. To move it to another app, run 'pricefeed token reset-binding' first.");
            }
        }

        var values = new Dictionary<string, string>
        {
            [TokenParameters.ClientId] = clientId,
            [TokenParameters.AppSecret] = secret,
        };
        if (redirectUri is not null)
        {
            values[TokenParameters.RedirectUri] = redirectUri.AbsoluteUri;
        }
        else
        {
            await store.DeleteAsync([TokenParameters.RedirectUri], cancellationToken);
        }

        var changed = await store.PutAsync(values, cancellationToken);
        Log.CredentialsSaved(logger, clientId, changed.Count);
        return VaultResult.Success;
    }

    /// <summary>Exchanges an auth code, checks the account against the binding, and stores the tokens.</summary>
    public async Task<VaultResult> CompleteLoginAsync(string authCode, CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(cancellationToken);
        if (snapshot.ClientId is null || snapshot.AppSecret is null)
        {
            return VaultResult.Fail(VaultOutcome.Conflict, "Enter the FYERS Client ID and App Secret first.");
        }

        // A code that cannot be FYERS' for this app is refused here: each exchange is a call on the
        // owner's FYERS app, and a made-up callback must not cost one (issue 20, W3).
        if (AuthCodeCheck.Problem(authCode, snapshot.ClientId, time.GetUtcNow()) is { } notFyers)
        {
            Log.AuthCodeRefused(logger);
            return VaultResult.Fail(VaultOutcome.InvalidInput, notFyers);
        }

        FyersTokens tokens;
        FyersProfile profile;
        try
        {
            tokens = await auth.ExchangeAuthCodeAsync(snapshot.ClientId, snapshot.AppSecret, authCode, cancellationToken);
            profile = await auth.GetProfileAsync(new FyersCredentials(snapshot.ClientId, tokens.AccessToken), cancellationToken);
        }
        catch (FyersApiException e)
        {
            Log.LoginFailed(logger, e.Kind, e.FyersCode);
            return VaultResult.Fail(OutcomeFor(e), e.Message);
        }

        var fyId = AccessTokenInfo.TryDecode(tokens.AccessToken)?.FyId ?? profile.FyId;
        if (options.Value.OwnerFyId is { Length: > 0 } owner && !string.Equals(owner.Trim(), fyId, StringComparison.OrdinalIgnoreCase))
        {
            Log.ForeignAccountRefused(logger, TokenStatus.MaskFyId(fyId), TokenStatus.MaskFyId(owner.Trim()));
            return VaultResult.Fail(VaultOutcome.Conflict, $"This PriceFeed serves the FYERS account {TokenStatus.MaskFyId(owner.Trim())} only (set at deploy), but you logged in as {TokenStatus.MaskFyId(fyId)}. Nothing was changed.");
        }

        if (snapshot.Binding is { } binding && !binding.Matches(snapshot.ClientId, fyId))
        {
            Log.ForeignAccountRefused(logger, TokenStatus.MaskFyId(fyId), TokenStatus.MaskFyId(binding.FyId));
            return VaultResult.Fail(VaultOutcome.Conflict, $"This PriceFeed is bound to FYERS account {TokenStatus.MaskFyId(binding.FyId)}, but you logged in as {TokenStatus.MaskFyId(fyId)}. Nothing was changed. Log in with the bound account, or run 'pricefeed token reset-binding' where PriceFeed runs to switch accounts.");
        }

        var values = new Dictionary<string, string>
        {
            [TokenParameters.AccessToken] = tokens.AccessToken,
            // The same account logging in again keeps its binding's nonce (and so its owner cookies); a
            // new binding, after a reset, gets a new one.
            [TokenParameters.BoundAccount] = new AccountBinding(snapshot.ClientId, fyId, snapshot.Binding?.Nonce ?? AccountBinding.NewNonce()).Serialize(),
            [TokenParameters.TokenCheck] = new TokenCheck(true, time.GetUtcNow(), TokenCheck.Fingerprint(tokens.AccessToken)).Serialize(),
        };
        if (tokens.RefreshToken is not null)
        {
            values[TokenParameters.RefreshToken] = tokens.RefreshToken;
        }
        else
        {
            await store.DeleteAsync([TokenParameters.RefreshToken], cancellationToken);
        }

        await store.PutAsync(values, cancellationToken);
        if (snapshot.SetupCodeHash is not null)
        {
            // The first login bound the account: the setup code has done its job.
            await store.DeleteAsync([TokenParameters.SetupCode], cancellationToken);
        }

        stored?.Raise();
        var info = AccessTokenInfo.TryDecode(tokens.AccessToken);
        Log.TokenStored(logger, TokenStatus.MaskFyId(fyId), info is null ? "unknown" : MarketTime.Format(info.ExpiresAt));
        return VaultResult.Success;
    }

    /// <summary>Asks FYERS whether the stored token still works (/profile) and remembers the answer.</summary>
    public async Task<TokenCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ReadForJobsAsync(cancellationToken);
        if (snapshot.Credentials is not { } credentials)
        {
            return new TokenCheckResult(TokenStatus.From(snapshot, time.GetUtcNow(), calendar), null);
        }

        var now = time.GetUtcNow();
        if (snapshot.LastCheck is { } recent && recent.TokenFingerprint == TokenCheck.Fingerprint(credentials.AccessToken) && now - recent.At < CheckReuse && now >= recent.At)
        {
            return new TokenCheckResult(TokenStatus.From(snapshot, now, calendar), null);
        }

        bool accepted;
        try
        {
            await auth.GetProfileAsync(credentials, cancellationToken);
            accepted = true;
        }
        catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
        {
            accepted = false;
        }
        catch (FyersApiException e)
        {
            // FYERS could not answer: that says nothing about the token, so nothing is recorded.
            return new TokenCheckResult(TokenStatus.From(snapshot, time.GetUtcNow(), calendar), e.Message);
        }

        var check = new TokenCheck(accepted, time.GetUtcNow(), TokenCheck.Fingerprint(credentials.AccessToken));
        await store.PutAsync(new Dictionary<string, string> { [TokenParameters.TokenCheck] = check.Serialize() }, cancellationToken);
        Log.TokenChecked(logger, accepted);
        return new TokenCheckResult(TokenStatus.From(snapshot with { LastCheck = check }, time.GetUtcNow(), calendar), null);
    }

    /// <summary>Records that FYERS refused this token during a job, so the page and the CLI say "rejected" at once.</summary>
    public async Task RecordRejectionAsync(string accessToken, CancellationToken cancellationToken)
    {
        var check = new TokenCheck(false, time.GetUtcNow(), TokenCheck.Fingerprint(accessToken));
        await store.PutAsync(new Dictionary<string, string> { [TokenParameters.TokenCheck] = check.Serialize() }, cancellationToken);
        Log.TokenChecked(logger, false);
    }

    /// <summary>Forgets which account this store serves, so the next login may bind another.</summary>
    public async Task ResetBindingAsync(CancellationToken cancellationToken)
    {
        await store.DeleteAsync([TokenParameters.BoundAccount], cancellationToken);
        Log.BindingReset(logger);
    }

    private static VaultOutcome OutcomeFor(FyersApiException e) => e.Kind switch
    {
        FyersErrorKind.RateLimited => VaultOutcome.FyersRateLimited,
        FyersErrorKind.ServerError or FyersErrorKind.Network or FyersErrorKind.UnexpectedResponse => VaultOutcome.FyersUnavailable,
        _ => VaultOutcome.FyersRefused,
    };

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Stored FYERS credentials for app {ClientId} ({Changed} values changed)")]
        public static partial void CredentialsSaved(ILogger logger, string clientId, int changed);

        [LoggerMessage(2, LogLevel.Warning, "FYERS login failed: {Kind} (code {Code})")]
        public static partial void LoginFailed(ILogger logger, FyersErrorKind kind, int? code);

        [LoggerMessage(3, LogLevel.Warning, "Refused a login for account {Account}: this store is bound to {Bound}")]
        public static partial void ForeignAccountRefused(ILogger logger, string? account, string? bound);

        [LoggerMessage(4, LogLevel.Information, "Stored a new FYERS token for {Account}, valid until {Until}")]
        public static partial void TokenStored(ILogger logger, string? account, string until);

        [LoggerMessage(5, LogLevel.Information, "Checked the stored token with FYERS: accepted={Accepted}")]
        public static partial void TokenChecked(ILogger logger, bool accepted);

        [LoggerMessage(6, LogLevel.Warning, "The account binding was reset; the next successful login binds this store again")]
        public static partial void BindingReset(ILogger logger);

        [LoggerMessage(7, LogLevel.Warning, "Refused credentials for app {ClientId}: this PriceFeed is pinned to another app")]
        public static partial void PinnedAppRefused(ILogger logger, string clientId);

        [LoggerMessage(8, LogLevel.Warning, "Refused an auth code that cannot be FYERS' for this app; nothing was sent to FYERS")]
        public static partial void AuthCodeRefused(ILogger logger);
    }
}
