using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox.Auth;
using PriceFeed.Sandbox.Http;
using PriceFeed.Sandbox.Market;

namespace PriceFeed.Sandbox;

/// <summary>FYERS v3's REST surface (reference §8), mounted under a prefix such as "/sandbox/fyers".</summary>
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

        Map(group, "POST", "api/v3/validate-authcode", AuthHandlers.ValidateAuthCodeAsync);
        Map(group, "POST", "api/v3/validate-refresh-token", AuthHandlers.ValidateRefreshTokenAsync);
        Map(group, "GET", "api/v3/profile", AuthHandlers.ProfileAsync);
        Map(group, "POST", "api/v3/logout", AuthHandlers.LogoutAsync);
        Map(group, "GET", "data/quotes", DataHandlers.QuotesAsync); // routing also matches "data/quotes/", the Postman form
        Map(group, "GET", "data/history", DataHandlers.HistoryAsync);
        Map(group, "GET", "data/depth", DataHandlers.DepthAsync);
        Map(group, "GET", "data/marketStatus", DataHandlers.MarketStatusAsync);
        Map(group, "POST", "data/symbol-token", DataHandlers.SymbolTokenAsync);
        return group;
    }

    private static void Map(RouteGroupBuilder group, string method, string path, Func<HttpContext, SandboxState, Task> handler)
    {
        group.MapMethods(path, [method], (RequestDelegate)(context => HandleAsync(context, path.TrimEnd('/'), handler)));
    }

    /// <summary>What every FYERS call goes through: the synthetic mark, latency, faults, then the rate limit.</summary>
    private static async Task HandleAsync(HttpContext context, string path, Func<HttpContext, SandboxState, Task> handler)
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

        var key = RateKey(context, state);
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

        await handler(context, state);
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

    /// <summary>FYERS counts per app and user; calls without a usable token share the app's anonymous budget.</summary>
    private static string RateKey(HttpContext context, SandboxState state)
    {
        var owner = state.Authority.Check(context.Request.Headers.Authorization.ToString());
        return owner is null ? "anonymous" : $"{owner.ClientId}:{owner.Account.FyId}";
    }

    internal static TokenOwner? Owner(HttpContext context, SandboxState state) =>
        state.Authority.Check(context.Request.Headers.Authorization.ToString());

    internal static bool IsKnownSymbol(string symbol) => SymbolUniverse.IsKnown(symbol);
}
