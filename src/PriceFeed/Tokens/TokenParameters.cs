namespace PriceFeed.Tokens;

/// <summary>The parameter names under /{project}/fyers/ (the first four are the original pipeline's).</summary>
public static class TokenParameters
{
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string ClientId = "client_id";
    public const string AppSecret = "app_secret";

    /// <summary>The redirect URI registered in the FYERS app; absent means this app's own /callback.</summary>
    public const string RedirectUri = "redirect_uri";

    /// <summary>"client_id|fy_id" of the first successful login: later logins must match it.</summary>
    public const string BoundAccount = "bound_account";

    /// <summary>
    /// The last live check against FYERS: "ok|rejected|epoch seconds|token fingerprint". Kept under
    /// /{project}/status/, not /fyers/: the ingestion job records a rejection, and on AWS only the
    /// token generator may write /{project}/fyers/*.
    /// </summary>
    public const string TokenCheck = "token_check";

    /// <summary>SHA-256 of the one-time setup code that the first save needs while nothing is bound (OwnerAccess).</summary>
    public const string SetupCode = "setup_code";

    public static readonly string[] All = [AccessToken, RefreshToken, ClientId, AppSecret, RedirectUri, BoundAccount, TokenCheck, SetupCode];

    /// <summary>
    /// What the jobs (the ingestion function) read: the token, its app and account, and the last check.
    /// On AWS its role may read nothing else: not the app secret, the refresh token or the setup code.
    /// </summary>
    public static readonly string[] ForJobs = [AccessToken, ClientId, BoundAccount, TokenCheck];

    /// <summary>Values that must never be shown, logged or sent to a browser.</summary>
    public static readonly string[] Secret = [AccessToken, RefreshToken, AppSecret, SetupCode];

    public static string FullName(string project, string name) =>
        name == TokenCheck ? $"/{project}/status/{name}" : $"/{project}/fyers/{name}";
}
