using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Status;

/// <summary>
/// GET /api/status: what the page shows in one answer, built from the token vault, the run history
/// and the holiday list. It depends on those features; none of them depends on it. Never a secret.
/// </summary>
internal static class StatusEndpoints
{
    public static IServiceCollection AddStatus(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, StatusJsonContext.Default));

    public static void MapStatus(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/status", GetAsync).WithTags("Status")
            .WithName("GetStatus").WithSummary("Token state (missing, valid, expired, rejected), account, validity, setup, the last runs and the holiday list's reach; never a secret.");

    public static async Task<Ok<StatusResponse>> GetAsync(
        HttpContext context,
        TokenVault vault,
        LoginResultCookie results,
        IOptions<TokenStoreOptions> store,
        IOptions<FyersOptions> fyers,
        TimeProvider time,
        RunHistory runs,
        MarketCalendar calendar,
        HolidaySource holidays)
    {
        await holidays.RefreshAsync(context.RequestAborted);
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        var callback = TokenEndpoints.CallbackUrl(context);
        var redirect = snapshot.RedirectUri ?? callback;
        return TypedResults.Ok(new StatusResponse(
            fyers.Value.UseSandbox ? "sandbox" : "fyers",
            store.Value.Project,
            new CredentialsView(snapshot.ClientId, snapshot.AppSecret is not null, redirect, TokenEndpoints.LoginMode(redirect, callback)),
            callback,
            snapshot.Binding is { } b ? new BindingView(b.ClientId, TokenStatus.MaskFyId(b.FyId)!) : null,
            TokenStatus.From(snapshot, time.GetUtcNow(), calendar),
            results.Read(context),
            await runs.LatestAsync(context.RequestAborted),
            holidays.Coverage()));
    }
}
