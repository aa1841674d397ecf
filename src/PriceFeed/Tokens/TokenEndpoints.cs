using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Auth;
using PriceFeed.Web;

namespace PriceFeed.Tokens;

/// <summary>The token generator's JSON API and the OAuth callback. All links are relative (path base /prod works).</summary>
internal static class TokenEndpoints
{
    /// <summary>The page's login state and result cookies, and the API's JSON types.</summary>
    public static IServiceCollection AddTokenWeb(this IServiceCollection services)
    {
        services.AddSingleton<LoginState>();
        services.AddSingleton<LoginResultCookie>();
        return services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TokenApiJsonContext.Default));
    }

    public static void MapTokenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/callback", CallbackAsync).RequireRateLimiting(WebProtection.RateLimitPolicy)
            .WithName("Callback").WithSummary("Where FYERS sends the browser after the login; stores the tokens and redirects to the page.");

        var api = routes.MapGroup("/api").WithTags("Tokens");
        api.MapGet("/csrf", Csrf)
            .WithName("GetCsrfToken").WithSummary("The antiforgery token every PUT/POST must send in the X-CSRF-TOKEN header.");

        var changes = api.MapGroup(string.Empty)
            .AddEndpointFilter(CsrfFilter.ValidateAsync)
            .RequireRateLimiting(WebProtection.RateLimitPolicy)
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
        var check = await vault.CheckAsync(context.RequestAborted);
        return check.Problem is null ? TypedResults.Ok(check.Status) : TypedResults.Problem(check.Problem, statusCode: 502, title: "FYERS did not answer");
    }

    /// <summary>This app's own /callback as the browser sees it (scheme and host from the proxy, path base included).</summary>
    public static string CallbackUrl(HttpContext context) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/callback";

    /// <summary>"callback" when FYERS sends the browser back here, "paste" when it lands elsewhere and the URL is pasted.</summary>
    public static string LoginMode(string redirect, string callback) =>
        string.Equals(redirect, callback, StringComparison.OrdinalIgnoreCase) ? "callback" : "paste";

    /// <summary>A vault refusal as problem details: the status code a browser expects, the vault's message as the detail.</summary>
    private static ProblemHttpResult Problem(VaultResult result)
    {
        var (status, title) = result.Outcome switch
        {
            VaultOutcome.CurrentSecretNeeded => (403, "Current App Secret needed"),
            VaultOutcome.Conflict => (409, "Refused"),
            VaultOutcome.FyersRateLimited => (429, "FYERS rate limit"),
            VaultOutcome.FyersUnavailable => (502, "FYERS did not answer"),
            _ => (400, "Login failed"),
        };
        return TypedResults.Problem(result.Error, statusCode: status, title: title);
    }
}
