namespace PriceFeed.Tokens;

/// <summary>What a vault operation came to. The web API maps it to a status code; the CLI prints the message.</summary>
public enum VaultOutcome
{
    Ok,

    /// <summary>The input cannot be used (a malformed Client ID, secret or redirect URI).</summary>
    InvalidInput,

    /// <summary>The store is bound to an account: replacing credentials needs the current App Secret.</summary>
    CurrentSecretNeeded,

    /// <summary>The request contradicts what is stored (another app or account, credentials missing).</summary>
    Conflict,

    /// <summary>FYERS refused the login (a bad or used auth code, wrong credentials).</summary>
    FyersRefused,

    /// <summary>FYERS answered 429: try again in a minute.</summary>
    FyersRateLimited,

    /// <summary>FYERS did not answer usefully (network, 5xx, an unexpected body).</summary>
    FyersUnavailable,
}

/// <summary>The outcome of a vault operation: ok, or a refusal with a message a person can act on.</summary>
public sealed record VaultResult(VaultOutcome Outcome, string? Error)
{
    public static VaultResult Success { get; } = new(VaultOutcome.Ok, null);

    public bool Ok => Outcome == VaultOutcome.Ok;

    public static VaultResult Fail(VaultOutcome outcome, string error) => new(outcome, error);
}

/// <summary>A token check: the status after asking FYERS, or why FYERS could not be asked (then nothing was recorded).</summary>
public sealed record TokenCheckResult(TokenStatus Status, string? Problem);
