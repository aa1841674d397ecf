namespace PriceFeed.Fyers.Errors;

/// <summary>What a caller can do about a FYERS failure; each kind has one remedy.</summary>
public enum FyersErrorKind
{
    /// <summary>-8, -15, -16, -17: the access token is expired, revoked or wrong. Log in again.</summary>
    TokenInvalid,

    /// <summary>-429, -353 or HTTP 429: over the rate limit. Wait; do not retry inside the minute.</summary>
    RateLimited,

    /// <summary>-300: a symbol FYERS does not know.</summary>
    InvalidSymbol,

    /// <summary>-437, -441, -371, -374: the auth code, grant, or app hash (secret) is wrong.</summary>
    AuthCodeRejected,

    /// <summary>-352: the client id names no FYERS app, or the app is not active.</summary>
    InvalidApp,

    /// <summary>-50 and other 4xx: the request itself is wrong.</summary>
    InvalidRequest,

    /// <summary>5xx or -96: FYERS failed. Retry later.</summary>
    ServerError,

    /// <summary>The network or TLS failed, or the call timed out.</summary>
    Network,

    /// <summary>FYERS answered with something we cannot read.</summary>
    UnexpectedResponse,
}
