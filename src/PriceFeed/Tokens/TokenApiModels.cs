namespace PriceFeed.Tokens;

// Wire types of the token API (the table in docs/token-generator.md, and /openapi/v1.json). None of them can carry a secret.

/// <summary>How the login comes back: FYERS sends the browser to this app's /callback, or the person pastes the address.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<LoginMode>))]
public enum LoginMode
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("callback")]
    Callback,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("paste")]
    Paste,
}

public sealed record CredentialsView(string? ClientId, bool SecretStored, string? RedirectUri, LoginMode LoginMode);

public sealed record BindingView(string ClientId, string Account);

public sealed record LoginResultView(bool Ok, string Message);

public sealed record CredentialsRequest(string? ClientId, string? AppSecret, string? RedirectUri, string? CurrentAppSecret, string? SetupCode = null);

public sealed record LoginResponse(string LoginUrl, LoginMode LoginMode);

public sealed record PasteRequest(string? RedirectUrl);

public sealed record CsrfResponse(string Token, string HeaderName);
