using System.Net;

namespace PriceFeed.Fyers.Errors;

/// <summary>
/// The one error type the client throws. <see cref="Exception.Message"/> is written for a person and
/// never contains a token, secret or auth code.
/// </summary>
public sealed class FyersApiException : Exception
{
    public FyersApiException(FyersErrorKind kind, string message, int? fyersCode = null, HttpStatusCode? httpStatus = null, string? serverMessage = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        FyersCode = fyersCode;
        HttpStatus = httpStatus;
        ServerMessage = serverMessage;
    }

    public FyersApiException()
        : this(FyersErrorKind.UnexpectedResponse, "FYERS call failed.")
    {
    }

    public FyersApiException(string message)
        : this(FyersErrorKind.UnexpectedResponse, message)
    {
    }

    public FyersApiException(string message, Exception innerException)
        : this(FyersErrorKind.UnexpectedResponse, message, innerException: innerException)
    {
    }

    public FyersErrorKind Kind { get; }

    /// <summary>The FYERS "code" (negative) when the body carried one.</summary>
    public int? FyersCode { get; }

    public HttpStatusCode? HttpStatus { get; }

    /// <summary>FYERS' own "message", shortened; FYERS messages carry no credentials.</summary>
    public string? ServerMessage { get; }

    /// <summary>True when waiting and trying again later can succeed without a person acting.</summary>
    public bool IsTransient => Kind is FyersErrorKind.RateLimited or FyersErrorKind.ServerError or FyersErrorKind.Network;
}
