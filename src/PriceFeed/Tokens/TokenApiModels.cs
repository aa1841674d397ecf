namespace PriceFeed.Tokens;

// Wire types of the token API (documented in docs/api.md). None of them can carry a secret.

public sealed record StatusResponse(
    string Mode,
    string Project,
    CredentialsView Credentials,
    string CallbackUrl,
    BindingView? Binding,
    TokenStatus Token,
    LoginResultView? LastLogin,
    IReadOnlyList<Ingestion.RunSummary> Runs,
    Calendar.CalendarCoverage Calendar);

public sealed record CredentialsView(string? ClientId, bool SecretStored, string? RedirectUri, string LoginMode);

public sealed record BindingView(string ClientId, string Account);

public sealed record LoginResultView(bool Ok, string Message);

public sealed record CredentialsRequest(string? ClientId, string? AppSecret, string? RedirectUri, string? CurrentAppSecret);

public sealed record LoginResponse(string LoginUrl, string LoginMode);

public sealed record PasteRequest(string? RedirectUrl);

public sealed record CsrfResponse(string Token, string HeaderName);
