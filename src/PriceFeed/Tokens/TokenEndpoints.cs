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
        services.AddSingleton<AuditLog>();
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
            .WithName("PutCredentials").WithSummary("Stores the FYERS Client ID and App Secret; before the first login needs the setup code, once bound the current App Secret.");
        changes.MapPost("/login", BeginLoginAsync)
            .WithName("BeginLogin").WithSummary("Starts a login: returns the FYERS login URL and binds its state to this browser. Before the first login only the browser that gave the setup code may.");
        changes.MapPost("/tokens", PasteAsync)
            .WithName("StoreTokens").WithSummary("Paste mode: exchanges the auth code in a pasted redirect URL and stores the tokens.");
        changes.MapPost("/token/check", CheckAsync)
            .WithName("CheckToken").WithSummary("Asks FYERS (/profile, at most once a minute) whether the stored token still works. The owner's browser only.");
    }

    public static Ok<CsrfResponse> Csrf(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new CsrfResponse(tokens.RequestToken!, tokens.HeaderName!));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> SaveCredentialsAsync(CredentialsRequest request, HttpContext context, TokenVault vault, OwnerAccess owner, AuditLog audit)
    {
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        if (snapshot.Binding is null && !owner.IsOwner(context, snapshot) && !OwnerAccess.MatchesSetupCode(snapshot, request.SetupCode))
        {
            audit.Refused(context, "credentials", string.IsNullOrWhiteSpace(request.SetupCode) ? "no setup code" : "wrong setup code");
            return SetupCodeNeeded();
        }

        var result = await vault.SaveCredentialsAsync(request.ClientId, request.AppSecret, request.RedirectUri, request.CurrentAppSecret, context.RequestAborted);
        if (!result.Ok)
        {
            audit.Refused(context, "credentials", result.Outcome.ToString());
            return Problem(result);
        }

        if (snapshot.Binding is null)
        {
            owner.Issue(context, await vault.ReadAsync(context.RequestAborted));
        }

        audit.Allowed(context, "credentials");
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> BeginLoginAsync(HttpContext context, TokenVault vault, FyersAuthClient auth, LoginState state, OwnerAccess owner, AuditLog audit, PublicOrigin origin)
    {
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        if (snapshot.ClientId is null || snapshot.AppSecret is null)
        {
            return TypedResults.Problem("Enter the FYERS Client ID and App Secret first.", statusCode: 409, title: "Credentials missing");
        }

        if (snapshot.Binding is null && !owner.IsOwner(context, snapshot))
        {
            // Before the first login binds an account, a stranger's login would bind theirs.
            audit.Refused(context, "login", "unbound store, no owner proof");
            return SetupCodeNeeded();
        }

        var callback = origin.CallbackUrl(context);
        var redirect = snapshot.RedirectUri ?? callback;
        var url = auth.BuildLoginUrl(snapshot.ClientId, new Uri(redirect), state.Begin(context));
        return TypedResults.Ok(new LoginResponse(url.AbsoluteUri, LoginModeFor(redirect, callback)));
    }

    /// <summary>FYERS sends the browser here after the login; the browser then lands on a clean URL.</summary>
    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> CallbackAsync(HttpContext context, TokenVault vault, LoginState state, LoginResultCookie results, OwnerAccess owner, AuditLog audit)
    {
        var query = context.Request.QueryString.Value ?? string.Empty;
        var returnedState = context.Request.Query["state"].ToString();
        var startedHere = !string.IsNullOrEmpty(context.Request.Cookies[LoginState.CookieName]);
        var error = state.Consume(context, returnedState);
        if (error is not null)
        {
            audit.Refused(context, "callback", "state missing, stale or foreign");
            if (!startedHere && AuthRedirect.TryParse(query, out var foreign, out _) && foreign!.State is not null)
            {
                results.Set(context, false, error);
                // Most likely `pricefeed login` in a terminal, whose FYERS app sends the browser here
                // while serve runs. Nothing is stored (this browser did not start it), but the
                // address is not thrown away either: the terminal that did start it can use it.
                return ElsewhereLogin(context);
            }
        }
        else
        {
            var completed = AuthRedirect.TryParse(query, out var redirect, out var parseError)
                ? await vault.CompleteLoginAsync(redirect!.AuthCode, context.RequestAborted)
                : VaultResult.Fail(VaultOutcome.InvalidInput, parseError);
            error = completed.Error;
            if (completed.Ok)
            {
                owner.Issue(context, await vault.ReadAsync(context.RequestAborted));
                audit.Allowed(context, "login");
            }
            else
            {
                audit.Refused(context, "callback", completed.Outcome.ToString());
            }
        }

        var message = error ?? (await vault.StatusAsync(context.RequestAborted)).Message;
        results.Set(context, error is null, message);
        return TypedResults.Redirect("./");
    }

    /// <summary>
    /// A login this browser did not start: a plain page (no script; the page's own stylesheet) with
    /// the address to paste where it started. Not cached, not sent on as a referrer.
    /// </summary>
    private static ContentHttpResult ElsewhereLogin(HttpContext context)
    {
        var request = context.Request;
        var address = System.Net.WebUtility.HtmlEncode($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}");
        context.Response.Headers.CacheControl = "no-store";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer"><title>PriceFeed · FYERS login from elsewhere</title>
            <link rel="icon" href="favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="app.css"></head>
            <body><header><h1>PriceFeed</h1></header><main>
            <section class="card">
            <h2>This login was started somewhere else</h2>
            <p>This browser did not start this FYERS login, so nothing was stored. If you started it with <code>pricefeed login</code> in a terminal, copy this address and paste it there:</p>
            <label for="redirect-address">The address FYERS sent this browser to</label>
            <textarea id="redirect-address" rows="5" readonly>{address}</textarea>
            <p class="hint">Otherwise, <a href="./">open the token page</a> and start the login there. The code in the address works once, for a few minutes.</p>
            </section></main></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: 400);
    }

    public static async Task<Results<Ok<TokenStatus>, ProblemHttpResult>> PasteAsync(PasteRequest request, HttpContext context, TokenVault vault, LoginState state, LoginResultCookie results, OwnerAccess owner, AuditLog audit)
    {
        if (!AuthRedirect.TryParse(request.RedirectUrl, out var redirect, out var parseError))
        {
            return TypedResults.Problem(parseError, statusCode: 400, title: "Not a FYERS redirect");
        }

        var stateError = state.Consume(context, redirect!.State);
        if (stateError is not null)
        {
            audit.Refused(context, "paste", "state missing, stale or foreign");
            return TypedResults.Problem(stateError, statusCode: 400, title: "Login not recognised");
        }

        var result = await vault.CompleteLoginAsync(redirect.AuthCode, context.RequestAborted);
        if (!result.Ok)
        {
            audit.Refused(context, "paste", result.Outcome.ToString());
            results.Set(context, false, result.Error!);
            return Problem(result);
        }

        owner.Issue(context, await vault.ReadAsync(context.RequestAborted));
        audit.Allowed(context, "login");
        var status = await vault.StatusAsync(context.RequestAborted);
        results.Set(context, true, status.Message);
        return TypedResults.Ok(status);
    }

    public static async Task<Results<Ok<TokenStatus>, ProblemHttpResult>> CheckAsync(HttpContext context, TokenVault vault, OwnerAccess owner, AuditLog audit)
    {
        if (!owner.IsOwner(context, await vault.ReadAsync(context.RequestAborted)))
        {
            // Each check is a FYERS call on the owner's budget: strangers may not spend it.
            audit.Refused(context, "token-check", "no owner proof");
            return TypedResults.Problem("Only the owner's browser can ask FYERS about the token: log in with FYERS on this browser first.", statusCode: 403, title: "Owner only");
        }

        var check = await vault.CheckAsync(context.RequestAborted);
        return check.Problem is null ? TypedResults.Ok(check.Status) : TypedResults.Problem(check.Problem, statusCode: 502, title: "FYERS did not answer");
    }

    private static ProblemHttpResult SetupCodeNeeded() => TypedResults.Problem(
        "This PriceFeed has no FYERS account yet. The first setup needs the setup code that 'pricefeed serve' printed where PriceFeed runs (on AWS the deploy prints it; 'pricefeed token setup-code' makes a new one).",
        statusCode: 403,
        title: "Setup code needed");

    /// <summary>"callback" when FYERS sends the browser back here, "paste" when it lands elsewhere and the URL is pasted.</summary>
    public static LoginMode LoginModeFor(string redirect, string callback) =>
        string.Equals(redirect, callback, StringComparison.OrdinalIgnoreCase) ? LoginMode.Callback : LoginMode.Paste;

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
