using System.Globalization;
using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Market;

/// <summary>quotes, history, depth, marketStatus and symbol-token (reference §4).</summary>
internal static class DataHandlers
{
    public static Task QuotesAsync(HttpContext context, SandboxState state)
    {
        if (SandboxEndpoints.Owner(context, state) is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenData);
        }

        var symbols = (context.Request.Query["symbols"].ToString() ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (symbols.Length == 0)
        {
            return FyersBodies.Error(context, 400, -50, "Please provide symbols");
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
                    // Item shape UNCONFIRMED (reference §4.2); this is the community-fixture form.
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

    public static Task HistoryAsync(HttpContext context, SandboxState state)
    {
        if (SandboxEndpoints.Owner(context, state) is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenUser);
        }

        var query = context.Request.Query;
        var symbol = query["symbol"].ToString();
        var resolution = query["resolution"].ToString();
        if (symbol.Length == 0 || resolution.Length == 0 || !TryRange(query["date_format"].ToString(), query["range_from"].ToString(), query["range_to"].ToString(), out var from, out var to, out var days))
        {
            return FyersBodies.Error(context, 400, -50, "Invalid input: symbol, resolution, date_format, range_from and range_to are required");
        }

        if (!SymbolUniverse.IsKnown(symbol))
        {
            return FyersBodies.Error(context, 400, -300, "Please provide a valid symbol");
        }

        var intraday = int.TryParse(resolution, out _);
        var limit = intraday ? 100 : 366;
        if (days > limit)
        {
            return FyersBodies.Error(context, 400, -50, $"Range too large: {resolution} history allows at most {limit} days per request");
        }

        var bars = state.Faults.EmptyHistory ? [] : SyntheticHistory.Build(state.Market, symbol, resolution, from, to, state.Time.GetUtcNow());
        if (bars is null)
        {
            return FyersBodies.Error(context, 400, -50, $"Invalid resolution {resolution} (the sandbox simulates minute, D, 1W and 1M bars)");
        }

        return FyersBodies.Json(context, 200, w =>
        {
            w.WriteString("s", bars.Count == 0 && state.Options.EmptyHistoryAsNoData ? "no_data" : "ok");
            w.WriteNumber("code", 200);
            w.WriteString("message", string.Empty);
            w.WriteStartArray("candles");
            foreach (var b in bars)
            {
                w.WriteStartArray();
                w.WriteNumberValue(b.Time);
                FyersBodies.Price(w, b.Open);
                FyersBodies.Price(w, b.High);
                FyersBodies.Price(w, b.Low);
                FyersBodies.Price(w, b.Close);
                w.WriteNumberValue(b.Volume);
                w.WriteEndArray();
            }

            w.WriteEndArray();
        });
    }

    public static Task DepthAsync(HttpContext context, SandboxState state)
    {
        if (SandboxEndpoints.Owner(context, state) is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenData);
        }

        var symbol = context.Request.Query["symbol"].ToString();
        if (!SymbolUniverse.IsKnown(symbol))
        {
            return FyersBodies.Error(context, 400, -300, "Please provide a valid symbol");
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

    public static Task MarketStatusAsync(HttpContext context, SandboxState state)
    {
        if (SandboxEndpoints.Owner(context, state) is null)
        {
            return FyersBodies.Raw(context, 401, FyersBodies.InvalidTokenData);
        }

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

    public static async Task SymbolTokenAsync(HttpContext context, SandboxState state)
    {
        // The SDKs send the bare JWT here (reference §4.7); accept both forms.
        var header = context.Request.Headers.Authorization.ToString();
        var owner = state.Authority.Check(header)
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

    private static bool TryRange(string format, string fromText, string toText, out DateTimeOffset from, out DateTimeOffset to, out int days)
    {
        from = to = default;
        days = 0;
        var ist = TimeSpan.FromMinutes(330);
        if (format == "1"
            && DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var fd)
            && DateOnly.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var td))
        {
            from = new DateTimeOffset(fd.ToDateTime(TimeOnly.MinValue), ist);
            to = new DateTimeOffset(td.ToDateTime(new TimeOnly(23, 59, 59)), ist);
            days = td.DayNumber - fd.DayNumber + 1;
            return days > 0;
        }

        if (format == "0" && long.TryParse(fromText, out var fs) && long.TryParse(toText, out var ts) && ts >= fs)
        {
            from = DateTimeOffset.FromUnixTimeSeconds(fs);
            to = DateTimeOffset.FromUnixTimeSeconds(ts);
            days = (int)Math.Ceiling((ts - fs + 1) / 86400.0);
            return true;
        }

        return false;
    }
}
