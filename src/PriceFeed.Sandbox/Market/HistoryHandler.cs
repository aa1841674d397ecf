using System.Globalization;
using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Http;

namespace PriceFeed.Sandbox.Market;

/// <summary>history (fyers-protocol.md §9): synthetic bars with FYERS' range limits. The token is checked before it runs.</summary>
internal static class HistoryHandler
{
    public static Task HistoryAsync(SandboxCall call)
    {
        var (context, state) = (call.Context, call.State);
        var query = context.Request.Query;
        var symbol = query["symbol"].ToString();
        var resolution = query["resolution"].ToString();
        if (symbol.Length == 0 || resolution.Length == 0 || query["date_format"].Count == 0 || query["range_from"].Count == 0 || query["range_to"].Count == 0)
        {
            return FyersBodies.Error(context, 400, -50, "Invalid input: symbol, resolution, date_format, range_from and range_to are required");
        }

        var range = TryRange(query["date_format"].ToString(), query["range_from"].ToString(), query["range_to"].ToString(), out var from, out var to, out var days);
        if (range is not null)
        {
            return FyersBodies.Error(context, 400, -50, range);
        }

        if (!SymbolUniverse.IsKnown(symbol))
        {
            return FyersBodies.Error(context, 400, -300, "Please provide a valid symbol");
        }

        // Only what FYERS documents, spelled as documented (fyers-protocol.md §9): a lenient sandbox
        // would hide a client bug. Case matters; 45 and 180 minutes are unconfirmed and refused.
        if (!Documented.Contains(resolution))
        {
            return FyersBodies.Error(context, 400, -50, $"Invalid resolution {resolution}");
        }

        if (SyntheticMarket.IstDate(from) < EarliestHistory)
        {
            return FyersBodies.Error(context, 400, -50, $"History is available from {EarliestHistory:yyyy-MM-dd}");
        }

        var kind = SyntheticHistory.KindOf(resolution);
        var limit = kind is SyntheticHistory.Kind.Minutes or SyntheticHistory.Kind.Seconds ? 100 : 366;
        if (days > limit)
        {
            return FyersBodies.Error(context, 400, -50, $"Range too large: {resolution} history allows at most {limit} days per request");
        }

        var now = state.Time.GetUtcNow();
        if (kind == SyntheticHistory.Kind.Seconds && SyntheticMarket.IstDate(from) < state.Market.TradingDaysBack(SyntheticMarket.IstDate(now), SecondsHistoryDays))
        {
            return FyersBodies.Error(context, 400, -50, $"Seconds resolutions are available for the last {SecondsHistoryDays} trading days only");
        }

        var bars = state.Faults.EmptyHistory ? [] : SyntheticHistory.Build(state.Market, symbol, resolution, from, to, now);
        bars = WithDayFaults(bars, state.Faults);

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

    /// <summary>Exactly the spellings FYERS documents (fyers-protocol.md §9): seconds, minutes 1 to 240, D/1D, 1W, 1M.</summary>
    private static readonly HashSet<string> Documented = new(["5S", "10S", "15S", "30S", "45S", "1", "2", "3", "5", "10", "15", "20", "30", "60", "120", "240", "D", "1D", "1W", "1M"], StringComparer.Ordinal);

    /// <summary>Seconds bars reach back this many trading days (fyers-protocol.md §9).</summary>
    private const int SecondsHistoryDays = 30;

    private static readonly DateOnly EarliestHistory = new(2017, 7, 3);

    /// <summary>Leaves out the missing days and windows, and cuts the truncated days after their first half.</summary>
    private static List<Bar> WithDayFaults(List<Bar> bars, SandboxFaults faults)
    {
        if (faults.MissingDays.Count == 0 && faults.TruncatedDays.Count == 0 && faults.MissingWindows.Count == 0)
        {
            return bars;
        }

        if (faults.MissingWindows.Count > 0)
        {
            bars = [.. bars.Where(b => !faults.MissingWindows.Any(w => b.Time >= w.From.ToUnixTimeSeconds() && b.Time < w.To.ToUnixTimeSeconds()))];
        }

        var result = new List<Bar>(bars.Count);
        foreach (var day in bars.GroupBy(b => SyntheticMarket.IstDate(DateTimeOffset.FromUnixTimeSeconds(b.Time))))
        {
            if (faults.MissingDays.Contains(day.Key))
            {
                continue;
            }

            var all = day.ToList();
            result.AddRange(faults.TruncatedDays.Contains(day.Key) ? all.Take(Math.Max(1, all.Count / 2)) : all);
        }

        return result;
    }

    /// <summary>Null when the range reads; otherwise what is wrong with it, in one line.</summary>
    private static string? TryRange(string format, string fromText, string toText, out DateTimeOffset from, out DateTimeOffset to, out int days)
    {
        from = to = default;
        days = 0;
        var ist = SyntheticMarket.Ist;
        if (format == "1")
        {
            if (!DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var fd)
                || !DateOnly.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var td))
            {
                return "Invalid input: with date_format 1, range_from and range_to are dates as yyyy-mm-dd";
            }

            if (td < fd)
            {
                return "Invalid input: range_from is after range_to";
            }

            from = new DateTimeOffset(fd.ToDateTime(TimeOnly.MinValue), ist);
            to = new DateTimeOffset(td.ToDateTime(new TimeOnly(23, 59, 59)), ist);
            days = td.DayNumber - fd.DayNumber + 1;
            return null;
        }

        if (format == "0")
        {
            if (!long.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var fs) || !long.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
            {
                return "Invalid input: with date_format 0, range_from and range_to are epoch seconds";
            }

            if (ts < fs)
            {
                return "Invalid input: range_from is after range_to";
            }

            from = DateTimeOffset.FromUnixTimeSeconds(fs);
            to = DateTimeOffset.FromUnixTimeSeconds(ts);
            days = (int)Math.Ceiling((ts - fs + 1) / 86400.0);
            return null;
        }

        return "Invalid input: date_format is 0 (epoch seconds) or 1 (yyyy-mm-dd)";
    }
}
