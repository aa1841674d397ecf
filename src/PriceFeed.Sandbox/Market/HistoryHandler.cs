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
        if (symbol.Length == 0 || resolution.Length == 0 || !TryRange(query["date_format"].ToString(), query["range_from"].ToString(), query["range_to"].ToString(), out var from, out var to, out var days))
        {
            return FyersBodies.Error(context, 400, -50, "Invalid input: symbol, resolution, date_format, range_from and range_to are required");
        }

        if (!SymbolUniverse.IsKnown(symbol))
        {
            return FyersBodies.Error(context, 400, -300, "Please provide a valid symbol");
        }

        // Only what FYERS documents (fyers-protocol.md §9): a lenient sandbox would hide a client bug.
        if (!Documented.Contains(resolution.Trim().ToUpperInvariant()))
        {
            return FyersBodies.Error(context, 400, -50, $"Invalid resolution {resolution}");
        }

        if (SyntheticMarket.IstDate(from) < EarliestHistory)
        {
            return FyersBodies.Error(context, 400, -50, $"History is available from {EarliestHistory:yyyy-MM-dd}");
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

    /// <summary>Minutes 1 to 240 as FYERS lists them, D/1D, 1W, 1M. Second resolutions are not simulated.</summary>
    private static readonly HashSet<string> Documented = ["1", "2", "3", "5", "10", "15", "20", "30", "60", "120", "240", "D", "1D", "1W", "W", "1M", "M"];

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

    private static bool TryRange(string format, string fromText, string toText, out DateTimeOffset from, out DateTimeOffset to, out int days)
    {
        from = to = default;
        days = 0;
        var ist = SyntheticMarket.Ist;
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
