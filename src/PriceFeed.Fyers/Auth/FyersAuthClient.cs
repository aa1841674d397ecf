using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Http;
using PriceFeed.Fyers.Json;

namespace PriceFeed.Fyers.Auth;

/// <summary>The v3 login: login URL, auth-code exchange, profile, logout (fyers-protocol.md §5).</summary>
public sealed class FyersAuthClient
{
    private readonly FyersTransport transport;
    private readonly Uri baseUri;

    public FyersAuthClient(HttpClient http, FyersRateLimiter limiter, IOptions<FyersOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        transport = new FyersTransport(http, limiter, options, time);
        baseUri = WithTrailingSlash(options.Value.AuthBaseUri);
    }

    /// <summary>The page the user opens to log in (fyers-protocol.md §5). State must be random and checked on return.</summary>
    public Uri BuildLoginUrl(string clientId, Uri redirectUri, string state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        var query = $"client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri.AbsoluteUri)}&response_type=code&state={Uri.EscapeDataString(state)}";
        return new Uri(baseUri, "generate-authcode?" + query);
    }

    /// <summary>Trades the auth code for tokens (fyers-protocol.md §5). The secret never leaves: only its hash is sent.</summary>
    public async Task<FyersTokens> ExchangeAuthCodeAsync(string clientId, string appSecret, string authCode, CancellationToken cancellationToken)
    {
        var request = new ValidateAuthCodeRequest("authorization_code", AppIdHash.Compute(clientId, appSecret), InputText.Clean(authCode));
        using var content = JsonContent.Create(request, FyersJsonContext.Default.ValidateAuthCodeRequest);
        var response = await transport.SendAsync(HttpMethod.Post, new Uri(baseUri, "validate-authcode"), null, content, "Exchanging the auth code", cancellationToken).ConfigureAwait(false);
        var body = transport.Read(response, FyersJsonContext.Default.TokenBody, "Exchanging the auth code");
        if (body.AccessToken is not { } access || !Jwt.LooksLikeJwt(access))
        {
            throw new FyersApiException(FyersErrorKind.UnexpectedResponse, "Exchanging the auth code failed: FYERS said ok but sent no usable access token. Start the login again.");
        }

        var refresh = body.RefreshToken is { Length: > 0 } r && Jwt.LooksLikeJwt(r) ? r : null;
        return new FyersTokens(access, refresh);
    }

    /// <summary>The cheapest server-side token check (fyers-protocol.md §7).</summary>
    public async Task<FyersProfile> GetProfileAsync(FyersCredentials credentials, CancellationToken cancellationToken)
    {
        var response = await transport.SendAsync(HttpMethod.Get, new Uri(baseUri, "profile"), credentials, null, "Checking the token with FYERS", cancellationToken).ConfigureAwait(false);
        var body = transport.Read(response, FyersJsonContext.Default.ProfileBody, "Checking the token with FYERS");
        var data = body.Data ?? throw new FyersApiException(FyersErrorKind.UnexpectedResponse, "Checking the token with FYERS failed: the profile had no data.");
        return new FyersProfile(data.FyId ?? string.Empty, data.Name, data.DisplayName, data.EmailId, data.Totp);
    }

    /// <summary>Revokes the token for this app (fyers-protocol.md §7).</summary>
    public async Task LogoutAsync(FyersCredentials credentials, CancellationToken cancellationToken)
    {
        var response = await transport.SendAsync(HttpMethod.Post, new Uri(baseUri, "logout"), credentials, null, "Logging out of FYERS", cancellationToken).ConfigureAwait(false);
        transport.Read(response, FyersJsonContext.Default.FyersEnvelope, "Logging out of FYERS");
    }

    internal static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
