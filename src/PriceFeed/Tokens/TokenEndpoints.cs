using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Auth;

namespace PriceFeed.Tokens;

/// <summary>The token generator's JSON API and the OAuth callback. All links are relative (path base /prod works).</summary>
internal static class TokenEndpoints
{
    public const string RateLimitPolicy = "token-api";

    public static void MapTokenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/callback", CallbackAsync).RequireRateLimiting(RateLimitPolicy)
            .WithName("Callback").WithSummary("Where FYERS sends the browser after the login; stores the tokens and redirects to the page.");

        var api = routes.MapGroup("/api").WithTags("Tokens");
        api.MapGet("/csrf", Csrf)
            .WithName("GetCsrfToken").WithSummary("The antiforgery token every PUT/POST must send in the X-CSRF-TOKEN header.");
        api.MapGet("/status", StatusAsync)
            .WithName("GetStatus").WithSummary("Token state (missing, valid, expired, rejected), account, validity and setup; never a secret.");

        var changes = api.MapGroup(string.Empty)
            .AddEndpointFilter(CsrfFilter.ValidateAsync)
            .RequireRateLimiting(RateLimitPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(429);
        changes.MapPut("/credentials", SaveCredentialsAsync)
            .WithName("PutCredentials").WithSummary("Stores the FYERS Client ID and App Secret; once bound, needs the current App Secret.");
        changes.MapPost("/login", BeginLoginAsync)
            .WithName("BeginLogin").WithSummary("Starts a login: returns the FYERS login URL and binds its state to this browser.");
        changes.MapPost("/tokens", PasteAsync)
            .WithName("StoreTokens").WithSummary("Paste mode: exchanges the auth code in a pasted redirect URL and stores the tokens.");
        changes.MapPost("/token/check", CheckAsync)
            .WithName("CheckToken").WithSummary("Asks FYERS (/profile) whether the stored token still works.");
    }

    public static Ok<CsrfResponse> Csrf(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new CsrfResponse(tokens.RequestToken!, tokens.HeaderName!));
    }

    public static async Task<Ok<StatusResponse>> StatusAsync(HttpContext context, TokenVault vault, LoginResultCookie results, IOptions<TokenStoreOptions> store, IOptions<FyersOptions> fyers, TimeProvider time, Ingestion.RunHistory runs, Calendar.MarketCalendar calendar, Calendar.HolidaySource holidays)
    {
        await holidays.RefreshAsync(context.RequestAborted);
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        var callback = CallbackUrl(context);
        var redirect = snapshot.RedirectUri ?? callback;
        return TypedResults.Ok(new StatusResponse(
            fyers.Value.UseSandbox ? "sandbox" : "fyers",
            store.Value.Project,
            new CredentialsView(snapshot.ClientId, snapshot.AppSecret is not null, redirect, LoginMode(redirect, callback)),
            callback,
            snapshot.Binding is { } b ? new BindingView(b.ClientId, TokenStatus.MaskFyId(b.FyId)!) : null,
            TokenStatus.From(snapshot, time.GetUtcNow(), calendar),
            results.Read(context),
            await runs.LatestAsync(context.RequestAborted),
            holidays.Coverage()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> SaveCredentialsAsync(CredentialsRequest request, HttpContext context, TokenVault vault)
    {
        var result = await vault.SaveCredentialsAsync(request.ClientId, request.AppSecret, request.RedirectUri, request.CurrentAppSecret, context.RequestAborted);
        return result.Ok ? TypedResults.NoContent() : Problem(result);
    }

    public static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> BeginLoginAsync(HttpContext context, TokenVault vault, FyersAuthClient auth, LoginState state)
    {
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        if (snapshot.ClientId is null || snapshot.AppSecret is null)
        {
            return TypedResults.Problem("Enter the FYERS Client ID and App Secret first.", statusCode: 409, title: "Credentials missing");
        }

        var callback = CallbackUrl(context);
        var redirect = snapshot.RedirectUri ?? callback;
        var url = auth.BuildLoginUrl(snapshot.ClientId, new Uri(redirect), state.Begin(context));
        return TypedResults.Ok(new LoginResponse(url.AbsoluteUri, LoginMode(redirect, callback)));
    }

    /// <summary>FYERS sends the browser here after the login; the browser then lands on a clean URL.</summary>
    public static async Task<RedirectHttpResult> CallbackAsync(HttpContext context, TokenVault vault, LoginState state, LoginResultCookie results, TimeProvider time)
    {
        var query = context.Request.QueryString.Value ?? string.Empty;
        var returnedState = context.Request.Query["state"].ToString();
        var error = state.Consume(context, returnedState);
        if (error is null)
        {
            error = AuthRedirect.TryParse(query, out var redirect, out var parseError)
                ? (await vault.CompleteLoginAsync(redirect!.AuthCode, context.RequestAborted)).Error
                : parseError;
        }

        var message = error ?? (await vault.StatusAsync(context.RequestAborted)).Message;
        results.Set(context, error is null, message);
        return TypedResults.Redirect("./");
    }

    public static async Task<Results<Ok<TokenStatus>, ProblemHttpResult>> PasteAsync(PasteRequest request, HttpContext context, TokenVault vault, LoginState state, LoginResultCookie results)
    {
        if (!AuthRedirect.TryParse(request.RedirectUrl, out var redirect, out var parseError))
        {
            return TypedResults.Problem(parseError, statusCode: 400, title: "Not a FYERS redirect");
        }

        var stateError = state.Consume(context, redirect!.State);
        if (stateError is not null)
        {
            return TypedResults.Problem(stateError, statusCode: 400, title: "Login not recognised");
        }

        var result = await vault.CompleteLoginAsync(redirect.AuthCode, context.RequestAborted);
        if (!result.Ok)
        {
            results.Set(context, false, result.Error!);
            return Problem(result);
        }

        var status = await vault.StatusAsync(context.RequestAborted);
        results.Set(context, true, status.Message);
        return TypedResults.Ok(status);
    }

    public static async Task<Results<Ok<TokenStatus>, ProblemHttpResult>> CheckAsync(HttpContext context, TokenVault vault)
    {
        var (status, problem) = await vault.CheckAsync(context.RequestAborted);
        return problem is null ? TypedResults.Ok(status) : TypedResults.Problem(problem, statusCode: 502, title: "FYERS did not answer");
    }

    /// <summary>This app's own /callback as the browser sees it (scheme and host from the proxy, path base included).</summary>
    public static string CallbackUrl(HttpContext context) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/callback";

    private static string LoginMode(string redirect, string callback) =>
        string.Equals(redirect, callback, StringComparison.OrdinalIgnoreCase) ? "callback" : "paste";

    private static ProblemHttpResult Problem(VaultResult result) =>
        TypedResults.Problem(result.Error, statusCode: result.StatusCode, title: result.StatusCode switch
        {
            403 => "Current App Secret needed",
            409 => "Refused",
            429 => "FYERS rate limit",
            502 => "FYERS did not answer",
            _ => "Login failed",
        });
}
