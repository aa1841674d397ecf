namespace PriceFeed.Tokens;

// Wire types of the token API (the table in docs/token-generator.md, and /openapi/v1.json). None of them can carry a secret.

public sealed record CredentialsView(string? ClientId, bool SecretStored, string? RedirectUri, string LoginMode);

public sealed record BindingView(string ClientId, string Account);

public sealed record LoginResultView(bool Ok, string Message);

public sealed record CredentialsRequest(string? ClientId, string? AppSecret, string? RedirectUri, string? CurrentAppSecret, string? SetupCode = null);

public sealed record LoginResponse(string LoginUrl, string LoginMode);

public sealed record PasteRequest(string? RedirectUrl);

public sealed record CsrfResponse(string Token, string HeaderName);
