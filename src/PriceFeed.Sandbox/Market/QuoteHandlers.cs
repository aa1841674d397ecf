using System.Globalization;
using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Market;

/// <summary>quotes and depth (fyers-protocol.md §8, §10), from the same synthetic quote. The token is checked before these run.</summary>
internal static class QuoteHandlers
{
    public static Task QuotesAsync(SandboxCall call)
    {
        var (context, state) = (call.Context, call.State);
        var list = context.Request.Query["symbols"].ToString();
        if (list.Length == 0)
        {
            return FyersBodies.Error(context, 400, -50, "Please provide symbols");
        }

        // What FYERS does with spaces or an empty item in the list is unconfirmed: the sandbox takes
        // the stricter answer and refuses the call (fyers-protocol.md §12), so a client that sends
        // them finds out here rather than on the real host.
        var symbols = list.Split(',');
        if (symbols.Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
        {
            return FyersBodies.Error(context, 400, -50, "Invalid input: symbols is a comma-separated list without spaces or empty items");
        }

        if (symbols.Length > 50)
        {
            return FyersBodies.Error(context, 400, -50, "Please provide less than or equal to 50 symbols");
        }

        var now = state.Time.GetUtcNow();
        return FyersBodies.Ok(context, w =>
        {
            w.WriteStartArray("d");
            foreach (var symbol in symbols)
            {
                w.WriteStartObject();
                w.WriteString("n", symbol);
                if (!SymbolUniverse.IsKnown(symbol))
                {
                    // Item shape UNCONFIRMED (fyers-protocol.md §8); this is the community-fixture form.
                    w.WriteString("s", "error");
                    w.WriteStartObject("v");
                    w.WriteNumber("code", -300);
                    w.WriteString("errmsg", "Please provide a valid symbol");
                    w.WriteString("symbol", symbol);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    continue;
                }

                var q = SyntheticQuote.At(state.Market, symbol, now);
                var tick = q.Last < 1 ? 0.01 : 0.05;
                w.WriteString("s", "ok");
                w.WriteStartObject("v");
                FyersBodies.Price(w, "ch", q.Change);
                FyersBodies.Price(w, "chp", q.ChangePercent);
                FyersBodies.Price(w, "lp", q.Last);
                FyersBodies.Price(w, "spread", tick);
                FyersBodies.Price(w, "ask", q.Last + tick);
                FyersBodies.Price(w, "bid", q.Last);
                FyersBodies.Price(w, "open_price", q.Open);
                FyersBodies.Price(w, "high_price", q.High);
                FyersBodies.Price(w, "low_price", q.Low);
                FyersBodies.Price(w, "prev_close_price", q.PreviousClose);
                FyersBodies.Price(w, "atp", q.AveragePrice);
                w.WriteNumber("volume", q.Volume);
                w.WriteString("short_name", SymbolUniverse.ShortName(symbol));
                w.WriteString("exchange", SymbolUniverse.Exchange(symbol));
                w.WriteString("description", symbol);
                w.WriteString("original_name", symbol);
                w.WriteString("symbol", symbol);
                w.WriteString("fyToken", SymbolUniverse.FyToken(symbol));
                w.WriteString("tt", new DateTimeOffset(q.TradingDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    public static Task DepthAsync(SandboxCall call)
    {
        var (context, state) = (call.Context, call.State);
        var symbol = context.Request.Query["symbol"].ToString();
        if (!SymbolUniverse.IsKnown(symbol))
        {
            return FyersBodies.Error(context, 400, -300, "Please provide a valid symbol");
        }

        // An index has no order book. FYERS' answer is unconfirmed; the sandbox refuses rather than
        // make up levels (fyers-protocol.md §12).
        if (SymbolUniverse.IsIndex(symbol))
        {
            return FyersBodies.Error(context, 400, -50, "Market depth is not available for indices");
        }

        var q = SyntheticQuote.At(state.Market, symbol, state.Time.GetUtcNow());
        var tick = q.Last < 1 ? 0.01 : 0.05;
        return FyersBodies.Json(context, 200, w =>
        {
            w.WriteString("s", "ok");
            w.WriteStartObject("d");
            w.WriteStartObject(symbol);
            w.WriteNumber("totalbuyqty", q.Volume / 7);
            w.WriteNumber("totalsellqty", q.Volume / 8);
            Levels(w, "bids", q.Last, -tick);
            Levels(w, "ask", q.Last + tick, tick);
            FyersBodies.Price(w, "o", q.Open);
            FyersBodies.Price(w, "h", q.High);
            FyersBodies.Price(w, "l", q.Low);
            FyersBodies.Price(w, "c", q.PreviousClose);
            FyersBodies.Price(w, "chp", q.ChangePercent);
            FyersBodies.Price(w, "tick_Size", tick);
            FyersBodies.Price(w, "ch", q.Change);
            w.WriteNumber("ltq", 1);
            w.WriteNumber("ltt", state.Time.GetUtcNow().ToUnixTimeSeconds());
            FyersBodies.Price(w, "ltp", q.Last);
            w.WriteNumber("v", q.Volume);
            FyersBodies.Price(w, "atp", q.AveragePrice);
            FyersBodies.Price(w, "lower_ckt", Math.Round(q.PreviousClose * 0.8 * 20) / 20);
            FyersBodies.Price(w, "upper_ckt", Math.Round(q.PreviousClose * 1.2 * 20) / 20);
            w.WriteString("expiry", string.Empty);
            w.WriteNumber("oi", 0);
            w.WriteBoolean("oiflag", false);
            w.WriteNumber("pdoi", 0);
            FyersBodies.Price(w, "oipercent", 0);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("message", string.Empty);
        });
    }

    private static void Levels(System.Text.Json.Utf8JsonWriter w, string name, double start, double step)
    {
        w.WriteStartArray(name);
        for (var i = 0; i < 5; i++)
        {
            w.WriteStartObject();
            FyersBodies.Price(w, "price", Math.Round((start + (i * step)) * 100) / 100);
            w.WriteNumber("volume", 100 * (i + 1));
            w.WriteNumber("ord", i + 1);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
