using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox.Auth;
using PriceFeed.Sandbox.Http;
using PriceFeed.Sandbox.Market;

namespace PriceFeed.Sandbox;

/// <summary>FYERS v3's REST surface (fyers-protocol.md §12), mounted under a prefix such as "/sandbox/fyers".</summary>
public static class SandboxEndpoints
{
    /// <summary>Header on every sandbox answer; the client marks such data synthetic.</summary>
    public const string SyntheticHeader = "X-PriceFeed-Sandbox";

    public static IServiceCollection AddFyersSandbox(this IServiceCollection services, SandboxOptions options, TimeProvider? time = null)
    {
        services.AddSingleton(new SandboxState(options, time ?? TimeProvider.System));
        return services;
    }

    public static RouteGroupBuilder MapFyersSandbox(this IEndpointRouteBuilder routes, string prefix)
    {
        var group = routes.MapGroup(prefix);
        group.MapGet("api/v3/generate-authcode", LoginPage.ShowAsync);
        group.MapPost("api/v3/sandbox-login", LoginPage.SubmitAsync);
        group.MapGet(SandboxDefaults.StandInPath, LoginPage.StandInAsync);
        group.MapGet("sym_details/{file}", SymbolMasterHandler.HandleAsync);
        // The data socket (fyers-protocol.md §16); the host must run app.UseWebSockets().
        group.MapGet(Socket.SandboxSocket.Path, Socket.SandboxSocket.HandleAsync);

        // Each call's token is checked once, in the pipeline; "refusal" is the body FYERS answers a
        // dead token with on that endpoint (fyers-protocol.md §3: -16 on api/v3 and history, -15 on
        // the other data calls). Endpoints without one run with or without a token.
        Map(group, "POST", "api/v3/validate-authcode", AuthHandlers.ValidateAuthCodeAsync, refusal: null);
        Map(group, "POST", "api/v3/validate-refresh-token", AuthHandlers.ValidateRefreshTokenAsync, refusal: null);
        Map(group, "GET", "api/v3/profile", AuthHandlers.ProfileAsync, FyersBodies.InvalidTokenUser);
        Map(group, "POST", "api/v3/logout", AuthHandlers.LogoutAsync, FyersBodies.InvalidTokenLogout);
        Map(group, "GET", "data/quotes", QuoteHandlers.QuotesAsync, FyersBodies.InvalidTokenData); // routing also matches "data/quotes/", the Postman form
        Map(group, "GET", "data/depth", QuoteHandlers.DepthAsync, FyersBodies.InvalidTokenData);
        Map(group, "GET", "data/history", HistoryHandler.HistoryAsync, FyersBodies.InvalidTokenUser);
        Map(group, "GET", "data/marketStatus", MarketStatusHandlers.MarketStatusAsync, FyersBodies.InvalidTokenData);
        Map(group, "POST", "data/symbol-token", MarketStatusHandlers.SymbolTokenAsync, refusal: null); // it also takes the bare token

        // Anything else under the prefix gets FYERS' error shape, not ASP.NET's empty 404, so an SDK
        // reading r["s"] reads an error (the body FYERS sends here is unconfirmed: fyers-protocol.md §12).
        group.Map("{**rest}", (RequestDelegate)(context =>
        {
            context.Response.Headers[SyntheticHeader] = "synthetic";
            return FyersBodies.Error(context, StatusCodes.Status404NotFound, -404, $"Not found: {context.Request.Method} {context.Request.Path} is not a FYERS endpoint the sandbox serves");
        }));
        return group;
    }

    private static void Map(RouteGroupBuilder group, string method, string path, Func<SandboxCall, Task> handler, string? refusal)
    {
        group.MapMethods(path, [method], (RequestDelegate)(context => HandleAsync(context, path.TrimEnd('/'), handler, refusal)));
    }

    /// <summary>What every FYERS call goes through: the synthetic mark, latency, faults, the token, the rate limit.</summary>
    private static async Task HandleAsync(HttpContext context, string path, Func<SandboxCall, Task> handler, string? refusal)
    {
        var state = context.RequestServices.GetRequiredService<SandboxState>();
        context.Response.Headers[SyntheticHeader] = "synthetic";
        context.Response.Headers.CacheControl = "no-store";
        state.Count(path);

        if (state.Faults.Latency > TimeSpan.Zero)
        {
            // Real latency, not sandbox time: it models the network, which a fake clock does not slow.
            await Task.Delay(state.Faults.Latency, TimeProvider.System, context.RequestAborted);
        }

        if (state.Faults.TakeRevokeTrigger())
        {
            state.RevokeAllTokens();
        }

        // FYERS counts per app and user; calls without a usable token share the app's anonymous budget.
        var owner = state.Authority.Check(context.Request.Headers.Authorization.ToString());
        var key = owner is null ? "anonymous" : $"{owner.ClientId}:{owner.Account.FyId}";
        if (state.Faults.TakeForced429())
        {
            await TooManyAsync(context, state, state.RateLimiter.ForceMinuteBreach(key));
            return;
        }

        var decision = state.RateLimiter.Admit(key);
        if (!decision.IsAllowed)
        {
            await TooManyAsync(context, state, decision);
            return;
        }

        if (state.Faults.TakeServerError())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", context.RequestAborted);
            return;
        }

        if (state.Faults.TakeMalformed())
        {
            await FyersBodies.Raw(context, 200, FyersBodies.Malformed);
            return;
        }

        if (refusal is not null && owner is null)
        {
            await FyersBodies.Raw(context, StatusCodes.Status401Unauthorized, refusal);
            return;
        }

        await handler(new SandboxCall(context, state, owner));
    }

    private static Task TooManyAsync(HttpContext context, SandboxState state, RateDecision decision)
    {
        if (state.Options.SendRetryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(decision.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-Retry-After-Ms"] = Math.Ceiling(decision.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        var message = decision.BlockedForDay
            ? "API Limit exceeded. User blocked for the day (perMin limit breached more than 3 times)"
            : "request limit reached";
        return FyersBodies.Error(context, StatusCodes.Status429TooManyRequests, -429, message);
    }
}
