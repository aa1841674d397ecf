using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Json;

namespace PriceFeed.Fyers.Http;

/// <summary>Sends one FYERS call and turns every failure into a <see cref="FyersApiException"/>.</summary>
internal sealed class FyersTransport(HttpClient http, FyersRateLimiter limiter, IOptions<FyersOptions> options, TimeProvider time)
{
    /// <summary>The in-repo sandbox stamps every answer with this header; real FYERS never sends it.</summary>
    public const string SandboxHeader = "X-PriceFeed-Sandbox";

    public TimeProvider Time => time;

    public async Task<FyersResponse> SendAsync(HttpMethod method, Uri uri, FyersCredentials? credentials, HttpContent? content, string operation, CancellationToken cancellationToken, bool bareToken = false)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.UserAgent.ParseAdd(options.Value.UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (credentials is not null)
        {
            // FYERS wants "client_id:token" without a scheme, which the typed header API refuses to build.
            // symbol-token takes the bare token (fyers-protocol.md §11).
            request.Headers.TryAddWithoutValidation("Authorization", bareToken ? credentials.AccessToken : credentials.AuthorizationHeader);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var synthetic = options.Value.UseSandbox || response.Headers.Contains(SandboxHeader);
            return new FyersResponse(response.StatusCode, body, synthetic, time.GetUtcNow());
        }
        catch (HttpRequestException e)
        {
            throw new FyersApiException(FyersErrorKind.Network, $"{operation} failed: FYERS could not be reached ({e.HttpRequestError}). Check the network; the call was retried.", innerException: e);
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new FyersApiException(FyersErrorKind.Network, $"{operation} failed: FYERS did not answer in time. The call was retried.", innerException: e);
        }
    }

    /// <summary>Reads an envelope-shaped body; HTTP errors and "s":"error" in a 200 both throw (fyers-protocol.md §13.1).</summary>
    public T Read<T>(FyersResponse response, JsonTypeInfo<T> typeInfo, string operation)
        where T : FyersEnvelope
    {
        T? body;
        try
        {
            body = JsonSerializer.Deserialize(response.Body, typeInfo);
        }
        catch (JsonException e)
        {
            throw Unreadable(response, operation, e);
        }

        if (body is null)
        {
            throw Unreadable(response, operation, null);
        }

        EnsureSuccess(response, body.S, body.Code, body.Message, operation);
        return body;
    }

    public void EnsureSuccess(FyersResponse response, string? status, int? code, string? message, string operation)
    {
        var isOk = string.Equals(status, "ok", StringComparison.OrdinalIgnoreCase)
            || string.Equals(status, "no_data", StringComparison.OrdinalIgnoreCase);
        if (isOk && (int)response.Status is >= 200 and < 300)
        {
            return;
        }

        if (status is null && code is null && (int)response.Status is >= 200 and < 300)
        {
            throw Unreadable(response, operation, null);
        }

        var error = FyersErrors.Create(code, response.Status, message, operation);
        if (error.Kind == FyersErrorKind.RateLimited && response.Status != HttpStatusCode.TooManyRequests)
        {
            // A -429 in a body with another HTTP status: the handler did not see it, so pause here.
            limiter.ReportRateLimited(null);
        }

        throw error;
    }

    public static FyersApiException Unreadable(FyersResponse response, string operation, Exception? inner)
    {
        if ((int)response.Status >= 500)
        {
            return new FyersApiException(FyersErrorKind.ServerError, $"{operation} failed: FYERS answered HTTP {(int)response.Status} with a body that is not JSON. FYERS may be down; try again later.", httpStatus: response.Status, innerException: inner);
        }

        return new FyersApiException(FyersErrorKind.UnexpectedResponse, $"{operation} failed: FYERS answered HTTP {(int)response.Status} with a body PriceFeed cannot read ({response.Body.Length} bytes). If this persists, FYERS may have changed its API.", httpStatus: response.Status, innerException: inner);
    }
}

internal sealed record FyersResponse(HttpStatusCode Status, byte[] Body, bool IsSynthetic, DateTimeOffset ReceivedAt);
