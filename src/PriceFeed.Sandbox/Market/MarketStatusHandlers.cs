using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Market;

/// <summary>marketStatus and symbol-token (fyers-protocol.md §10, §11).</summary>
internal static class MarketStatusHandlers
{
    public static Task MarketStatusAsync(SandboxCall call)
    {
        var (context, state) = (call.Context, call.State);
        var now = state.Time.GetUtcNow();
        var date = SyntheticMarket.IstDate(now);
        var open = SyntheticMarket.SessionStart(date);
        var status = !state.Market.IsTradingDay(date) || now < open.AddMinutes(-15) ? "CLOSED"
            : now < open.AddMinutes(-7) ? "PREOPEN"
            : now < open ? "PREOPEN_CLOSED"
            : now < open.AddMinutes(SyntheticMarket.SessionMinutes) ? "OPEN"
            : "POSTCLOSE_CLOSED";
        status = state.Faults.MarketStatusOverride ?? status;
        return FyersBodies.Json(context, 200, w =>
        {
            w.WriteNumber("code", 200);
            w.WriteStartArray("marketStatus");
            foreach (var (exchange, segment) in new[] { (10, 10), (10, 11), (10, 12), (11, 20), (12, 10), (12, 11) })
            {
                w.WriteStartObject();
                w.WriteNumber("exchange", exchange);
                w.WriteString("market_type", "NORMAL");
                w.WriteNumber("segment", segment);
                w.WriteString("status", status);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("message", string.Empty);
            w.WriteString("s", "ok");
        });
    }

    public static async Task SymbolTokenAsync(SandboxCall call)
    {
        // The SDKs send the bare JWT here (fyers-protocol.md §11); the pipeline checked the prefixed form.
        var (context, state) = (call.Context, call.State);
        var header = context.Request.Headers.Authorization.ToString();
        var owner = call.Owner
            ?? state.Options.Apps.Select(a => state.Authority.Check($"{a.ClientId}:{header}")).FirstOrDefault(o => o is not null);
        if (owner is null)
        {
            await FyersBodies.Raw(context, 401, """{"s":"error","message":"Please provide valid token"}""");
            return;
        }

        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var symbols = body.RootElement.TryGetProperty("symbols", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Array
            ? s.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : [];
        await FyersBodies.Json(context, 200, w =>
        {
            w.WriteString("s", "ok");
            w.WriteStartObject("validSymbol");
            foreach (var symbol in symbols.Where(SymbolUniverse.IsKnown))
            {
                w.WriteString(symbol, SymbolUniverse.FyToken(symbol));
            }

            w.WriteEndObject();
            w.WriteStartArray("invalidSymbol");
            foreach (var symbol in symbols.Where(x => !SymbolUniverse.IsKnown(x)))
            {
                w.WriteStringValue(symbol);
            }

            w.WriteEndArray();
        });
    }
}
