using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PriceFeed.Sandbox.Market;

/// <summary>
/// FYERS' public symbol masters (fyers-protocol.md §15), JSON variant: GET
/// sym_details/{NSE_CM|BSE_CM}_sym_master.json, an object keyed by ticker whose values carry the
/// documented fields by name. Values are synthetic and plausible (lot 1, tick 0.05, the session of the
/// day); the field set and names are FYERS' own, so a reader built on it meets the real file's shape.
/// </summary>
internal static class SymbolMasterHandler
{
    public static async Task HandleAsync(HttpContext context)
    {
        var file = context.Request.RouteValues["file"]?.ToString() ?? string.Empty;
        var exchange = file switch
        {
            "NSE_CM_sym_master.json" => "NSE",
            "BSE_CM_sym_master.json" => "BSE",
            _ => null,
        };
        context.Response.Headers[SandboxEndpoints.SyntheticHeader] = "synthetic";
        if (exchange is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"The sandbox serves NSE_CM_sym_master.json and BSE_CM_sym_master.json, not {file}.", context.RequestAborted);
            return;
        }

        var state = (SandboxState)context.RequestServices.GetService(typeof(SandboxState))!;
        var today = SyntheticMarket.IstDate(state.Time.GetUtcNow());
        context.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(context.Response.Body);
        w.WriteStartObject();
        foreach (var symbol in SymbolUniverse.Of(exchange))
        {
            var index = SymbolUniverse.IsIndex(symbol);
            var token = SymbolUniverse.FyToken(symbol);
            var exToken = token[10..];
            w.WriteStartObject(symbol);
            w.WriteString("fyToken", token);
            w.WriteString("isin", index ? string.Empty : $"INE{exToken.PadLeft(6, '0')}01");
            w.WriteString("exSymbol", SymbolUniverse.Underlying(symbol));
            w.WriteString("symDetails", SymbolUniverse.Name(symbol));
            w.WriteString("symTicker", symbol);
            w.WriteNumber("exchange", exchange == "NSE" ? 10 : 12);
            w.WriteNumber("segment", 10);
            w.WriteString("exSymName", SymbolUniverse.Underlying(symbol));
            w.WriteNumber("exToken", int.Parse(exToken, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("exSeries", index ? "INDEX" : "EQ");
            w.WriteString("optType", "XX");
            w.WriteString("underSym", SymbolUniverse.Underlying(symbol));
            w.WriteString("underFyTok", token);
            w.WriteNumber("exInstType", index ? 10 : 0);
            w.WriteNumber("minLotSize", 1);
            w.WriteNumber("tickSize", index ? 0.01 : 0.05);
            w.WriteString("tradingSession", "0915-1530|1815-1915:");
            w.WriteString("lastUpdate", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("expiryDate", string.Empty);
            w.WriteNumber("strikePrice", -1.0);
            w.WriteNumber("qtyFreeze", 0);
            w.WriteNumber("tradeStatus", 1);
            w.WriteString("currencyCode", "INR");
            w.WriteNumber("upperPrice", 0);
            w.WriteNumber("lowerPrice", 0);
            w.WriteNumber("faceValue", index ? 0 : 1);
            w.WriteNumber("qtyMultiplier", 1);
            w.WriteNumber("previousClose", Math.Round(SymbolUniverse.BasePrice(symbol), 2));
            w.WriteNumber("previousOi", 0);
            w.WriteNull("asmGsmVal");
            w.WriteString("exchangeName", exchange);
            w.WriteString("symbolDesc", SymbolUniverse.Name(symbol));
            w.WriteString("originalExpDate", string.Empty);
            w.WriteBoolean("is_mtf_tradable", false);
            w.WriteNumber("mtf_margin", 0);
            w.WriteString("stream", "synthetic");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted);
    }
}
