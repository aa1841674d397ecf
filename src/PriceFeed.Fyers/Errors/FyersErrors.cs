using System.Net;

namespace PriceFeed.Fyers.Errors;

/// <summary>Maps FYERS codes (fyers-protocol.md §3) to kinds and to messages a person can act on.</summary>
public static class FyersErrors
{
    private const int MaxServerMessageLength = 200;

    public static FyersErrorKind KindOf(int? code, HttpStatusCode? status) => code switch
    {
        -8 or -15 or -16 or -17 => FyersErrorKind.TokenInvalid,
        -429 or -353 => FyersErrorKind.RateLimited,
        -300 => FyersErrorKind.InvalidSymbol,
        -437 or -441 or -371 or -374 or -501 => FyersErrorKind.AuthCodeRejected,
        -352 => FyersErrorKind.InvalidApp,
        -96 => FyersErrorKind.ServerError,
        -50 => FyersErrorKind.InvalidRequest,
        _ => status switch
        {
            HttpStatusCode.TooManyRequests => FyersErrorKind.RateLimited,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => FyersErrorKind.TokenInvalid,
            >= HttpStatusCode.InternalServerError => FyersErrorKind.ServerError,
            >= HttpStatusCode.BadRequest => FyersErrorKind.InvalidRequest,
            _ => FyersErrorKind.UnexpectedResponse,
        },
    };

    public static FyersApiException Create(int? code, HttpStatusCode? status, string? serverMessage, string operation)
    {
        var kind = KindOf(code, status);
        var shortMessage = Shorten(serverMessage);
        var advice = Advice(kind, code);
        var detail = shortMessage is null ? string.Empty : $" FYERS said: \"{shortMessage}\"";
        var codeText = code is null ? $"HTTP {(int?)status}" : $"code {code}";
        return new FyersApiException(kind, $"{operation} failed ({codeText}): {advice}{detail}", code, status, shortMessage);
    }

    private static string Advice(FyersErrorKind kind, int? code) => (kind, code) switch
    {
        (FyersErrorKind.TokenInvalid, _) => "the FYERS access token is expired or was rejected. Log in again on the token page (or run 'pricefeed login'); tokens die every morning at about 06:00 IST.",
        (FyersErrorKind.RateLimited, _) => "FYERS rate limit reached. PriceFeed pauses for the rest of the minute; three breaches in a day block the account until midnight.",
        (FyersErrorKind.InvalidSymbol, _) => "FYERS does not know this symbol. Use the FYERS form such as NSE:SBIN-EQ or NSE:NIFTY50-INDEX.",
        (FyersErrorKind.AuthCodeRejected, -371) => "the app secret does not match the client id (the appIdHash was refused). Re-enter the App Secret from the FYERS API dashboard.",
        (FyersErrorKind.AuthCodeRejected, -374) => "no auth code was sent. Paste the whole redirect URL, including auth_code=...",
        (FyersErrorKind.AuthCodeRejected, -441) => "FYERS refused the grant type. This is a PriceFeed bug; please report it.",
        (FyersErrorKind.AuthCodeRejected, -501) => "the refresh token is not valid. Since 1 April 2026 FYERS requires a daily login instead.",
        (FyersErrorKind.AuthCodeRejected, _) => "the auth code is invalid, expired or already used (codes work once, for a few minutes). Start the login again and use the new redirect URL at once; if it keeps failing, check that the App Secret belongs to this Client ID.",
        (FyersErrorKind.InvalidApp, _) => "FYERS does not recognise this Client ID, or the app is not active yet. Check the Client ID (for example ABCD1234-100) and the app's status in the FYERS API dashboard.",
        (FyersErrorKind.ServerError, _) => "FYERS had a server error. It is retried automatically; if it persists, FYERS may be down.",
        (FyersErrorKind.InvalidRequest, _) => "FYERS refused the request parameters.",
        _ => "FYERS answered with something PriceFeed could not read.",
    };

    internal static string? Shorten(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        var trimmed = message.Trim();
        return trimmed.Length <= MaxServerMessageLength ? trimmed : trimmed[..MaxServerMessageLength] + "…";
    }
}
