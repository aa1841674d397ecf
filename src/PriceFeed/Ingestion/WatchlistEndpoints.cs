using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using PriceFeed.Tokens;
using PriceFeed.Web;

namespace PriceFeed.Ingestion;

/// <param name="Listed">On the watchlist already (for the candidates of an ambiguous name).</param>
public sealed record WatchlistItem(string Ticker, string? Name, bool Known, bool Listed = true);

/// <param name="Notice">What the change did, in one sentence: added, already there, removed.</param>
/// <param name="Changed">The ticker the notice is about, for the page to point at.</param>
public sealed record WatchlistView(IReadOnlyList<WatchlistItem> Symbols, string Location, string? Notice = null, string? Changed = null);

public sealed record WatchlistAddRequest(string? Query);

/// <summary>The answer when a name matches several symbols: pick one by its ticker.</summary>
public sealed record WatchlistChoice(string Title, string Detail, IReadOnlyList<WatchlistItem> Candidates);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WatchlistView))]
[JsonSerializable(typeof(WatchlistAddRequest))]
[JsonSerializable(typeof(WatchlistChoice))]
internal sealed partial class WatchlistJsonContext : JsonSerializerContext;

/// <summary>
/// The page's watchlist card: the owner's browser only (like the runs), every change with the CSRF
/// header and the rate limit, stored where the jobs read it (the same code as <c>pricefeed watchlist</c>).
/// </summary>
internal static class WatchlistEndpoints
{
    public static IServiceCollection AddWatchlistApi(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WatchlistJsonContext.Default));

    public static void MapWatchlistApi(this IEndpointRouteBuilder routes)
    {
        const string Refusal = "Only the owner's browser sees and changes the watchlist: log in with FYERS on this device first.";
        var api = routes.MapGroup("/api/watchlist").WithTags("Watchlist");
        api.MapGet(string.Empty, GetAsync).AddEndpointFilter(OwnerFilter.Only(Refusal)).ProducesProblem(403)
            .WithName("GetWatchlist").WithSummary("The watchlist with names from FYERS' symbol master. The owner's browser only.");
        var changes = api.MapGroup(string.Empty)
            .AddEndpointFilter(CsrfFilter.ValidateAsync)
            .AddEndpointFilter(OwnerFilter.Only(Refusal, auditArea: "watchlist"))
            .RequireRateLimiting(WebProtection.RateLimitPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(429);
        changes.MapPost(string.Empty, AddAsync).WithName("AddToWatchlist").WithSummary("Adds a symbol found by symbol or company name; several matches answer 409 with the candidates.");
        changes.MapDelete("/{ticker}", RemoveAsync).WithName("RemoveFromWatchlist").WithSummary("Removes a symbol; its stored data stays in the lake.");
    }

    public static async Task<Ok<WatchlistView>> GetAsync(HttpContext context, WatchlistSource source, SymbolDirectory directory) =>
        TypedResults.Ok(await ViewAsync(source, directory, context.RequestAborted));

    public static async Task<Results<Ok<WatchlistView>, JsonHttpResult<WatchlistChoice>, ProblemHttpResult>> AddAsync(WatchlistAddRequest request, HttpContext context, WatchlistSource source, SymbolDirectory directory, AuditLog audit)
    {
        var query = (request.Query ?? string.Empty).Trim();
        if (query.Length is 0 or > 80)
        {
            return TypedResults.Problem("Type a symbol (SBIN) or part of a company's name (Reliance).", statusCode: 400, title: "Nothing to look up");
        }

        var (matches, master) = await directory.FindAsync(query, context.RequestAborted);
        if (master is null)
        {
            return TypedResults.Problem("FYERS' symbol master could not be downloaded, so names cannot be looked up now. Try again in a while.", statusCode: 503, title: "Symbol master unavailable");
        }

        var symbols = (await source.GetAsync(context.RequestAborted)).ToList();
        var pick = SymbolDirectory.Pick(query, matches);
        if (pick is null)
        {
            return matches.Count == 0
                ? TypedResults.Problem($"No FYERS symbol or company name in {master.Segment} matches '{query}'.", statusCode: 404, title: "No match")
                : TypedResults.Json(new WatchlistChoice("Several match", $"'{query}' matches {matches.Count}{(matches.Count == 10 ? " or more" : string.Empty)}: pick one.", [.. matches.Select(m => new WatchlistItem(m.Ticker, m.Name, true, symbols.Contains(m.Ticker, StringComparer.Ordinal)))]), WatchlistJsonContext.Default.WatchlistChoice, statusCode: 409);
        }

        var named = pick.Name is { Length: > 0 } name ? $"{pick.Ticker} ({name})" : pick.Ticker;
        if (symbols.Contains(pick.Ticker, StringComparer.Ordinal))
        {
            return TypedResults.Ok(await ViewAsync(source, directory, context.RequestAborted, $"{named} is on the watchlist already; nothing changed.", pick.Ticker));
        }

        symbols.Add(pick.Ticker);
        await source.SaveAsync(symbols, context.RequestAborted);
        audit.Allowed(context, "watchlist");
        return TypedResults.Ok(await ViewAsync(source, directory, context.RequestAborted, $"Added {named}; the next run fetches it.", pick.Ticker));
    }

    public static async Task<Results<Ok<WatchlistView>, ProblemHttpResult>> RemoveAsync(string ticker, HttpContext context, WatchlistSource source, SymbolDirectory directory, AuditLog audit)
    {
        var symbols = (await source.GetAsync(context.RequestAborted)).ToList();
        if (!symbols.Remove(ticker))
        {
            return TypedResults.Problem($"{ticker} is not on the watchlist.", statusCode: 404, title: "Not on the watchlist");
        }

        await source.SaveAsync(symbols, context.RequestAborted);
        audit.Allowed(context, "watchlist");
        return TypedResults.Ok(await ViewAsync(source, directory, context.RequestAborted, $"Removed {ticker}; its stored data stays in the lake.", ticker));
    }

    private static async Task<WatchlistView> ViewAsync(WatchlistSource source, SymbolDirectory directory, CancellationToken cancellationToken, string? notice = null, string? changed = null)
    {
        var items = new List<WatchlistItem>();
        foreach (var ticker in await source.GetAsync(cancellationToken))
        {
            var master = SymbolDirectory.SegmentOf(ticker) is { } segment ? await directory.GetAsync(segment, cancellationToken) : null;
            items.Add(new WatchlistItem(ticker, master?.Get(ticker)?.Name, master is null || master.Contains(ticker)));
        }

        return new WatchlistView(items, source.Location.StartsWith("SSM", StringComparison.Ordinal) ? source.Location : WatchlistSource.FileName + " in the data folder", notice, changed);
    }
}
