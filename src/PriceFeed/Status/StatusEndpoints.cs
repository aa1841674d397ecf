using PriceFeed.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;
using PriceFeed.Web;

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
            .WithName("GetStatus").WithSummary("Token state (missing, valid, expired, rejected) and validity for anyone; account, setup, the last runs and the holiday list's reach for the owner's browser only; never a secret.");

    public static async Task<Ok<StatusResponse>> GetAsync(
        HttpContext context,
        TokenVault vault,
        LoginResultCookie results,
        OwnerAccess owner,
        PublicOrigin origin,
        IOptions<TokenStoreOptions> store,
        IOptions<FyersOptions> fyers,
        TimeProvider time,
        RunHistory runs,
        MarketCalendar calendar,
        HolidaySource holidays,
        LakeCoverage coverage,
        Live.LiveFeed live,
        Live.StreamShift shifts)
    {
        var snapshot = await vault.ReadAsync(context.RequestAborted);
        var token = TokenStatus.From(snapshot, time.GetUtcNow(), calendar);
        var mode = fyers.Value.UseSandbox ? "sandbox" : "fyers";
        var setupNeeded = snapshot.Binding is null;
        var callback = origin.CallbackUrl(context);
        var redirect = snapshot.RedirectUri ?? callback;
        var loginMode = TokenEndpoints.LoginModeFor(redirect, callback);
        if (!owner.IsOwner(context, snapshot))
        {
            // The public sees whether today's token works and the login button; nothing that names
            // the owner, their app or their jobs.
            return TypedResults.Ok(new StatusResponse(
                mode,
                false,
                setupNeeded,
                null,
                new CredentialsView(null, snapshot.AppSecret is not null, null, loginMode),
                null,
                null,
                token with { Account = null, Name = null, IssuedAt = null, LastCheckedAt = null },
                results.Read(context),
                [],
                null,
                FeedHealth.Assess([], token, time.GetUtcNow())));
        }

        await holidays.RefreshAsync(context.RequestAborted);
        var latest = await runs.LatestAsync(context.RequestAborted);
        var session = await coverage.LatestSessionAsync(context.RequestAborted);
        return TypedResults.Ok(new StatusResponse(
            mode,
            true,
            setupNeeded,
            store.Value.Project,
            new CredentialsView(snapshot.ClientId, snapshot.AppSecret is not null, redirect, loginMode),
            callback,
            snapshot.Binding is { } b ? new BindingView(b.ClientId, TokenStatus.MaskFyId(b.FyId)!) : null,
            token,
            results.Read(context),
            latest,
            holidays.Coverage(),
            FeedHealth.Assess(latest, token, time.GetUtcNow(), session, await StreamAsync(live, shifts, time.GetUtcNow(), context.RequestAborted))));
    }

    /// <summary>
    /// The stream this process runs (a laptop's serve), else the one the stream shifts run on AWS
    /// (issue 22), from their handover object in the lake.
    /// </summary>
    private static async Task<Live.StreamSnapshot?> StreamAsync(Live.LiveFeed live, Live.StreamShift shifts, DateTimeOffset now, CancellationToken cancellationToken) =>
        live.Status.State != "stopped" ? live.Status.Snapshot(now) : await shifts.SharedStatusAsync(cancellationToken);
}
