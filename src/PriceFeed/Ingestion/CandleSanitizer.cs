using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// FYERS sends impossible bars now and then: non-positive prices, high below open/close, wrapped
/// volume sentinels such as 429496726000 (fyers-protocol.md §13.9). Each bar is kept, repaired or
/// rejected, and every reason is counted; rejected bars go to quarantine, not to the lake.
/// </summary>
internal static class CandleSanitizer
{
    /// <summary>No real bar trades 10^11 shares; wrapped 32-bit counters land above it.</summary>
    private const long VolumeSentinel = 100_000_000_000;

    public static SanitizeResult Sanitize(string symbol, Resolution resolution, IEnumerable<Candle> candles, string source, MarketCalendar calendar)
    {
        // FYERS answers in time order, so bars are appended and only an out-of-order answer is sorted
        // (a SortedDictionary per bar was a tenth of a backfill's CPU).
        var accepted = new List<CandleRow>(candles.TryGetNonEnumeratedCount(out var n) ? n : 0);
        var ordered = true;
        var rejected = new List<QuarantinedBar>();
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string reason) => reasons[reason] = reasons.GetValueOrDefault(reason) + 1;

        foreach (var candle in candles)
        {
            var row = CandleRow.From(symbol, resolution, candle, source);
            string? reject = null;
            if (!(row.Open > 0 && row.High > 0 && row.Low > 0 && row.Close > 0) || double.IsNaN(row.Open + row.High + row.Low + row.Close))
            {
                reject = "non_positive_price";
            }
            else if (row.Volume < 0 || row.Volume >= VolumeSentinel)
            {
                reject = "volume_sentinel";
            }
            else if (resolution.IsIntraday && !InsideSession(row, calendar))
            {
                reject = "outside_session";
            }

            if (reject is null)
            {
                if (row.High < Math.Max(row.Open, row.Close))
                {
                    row = row with { High = Math.Max(row.Open, row.Close) };
                    Count("repaired_high");
                }

                if (row.Low > Math.Min(row.Open, row.Close))
                {
                    row = row with { Low = Math.Min(row.Open, row.Close) };
                    Count("repaired_low");
                }

                if (row.High < row.Low)
                {
                    reject = "high_below_low";
                }
            }

            if (reject is not null)
            {
                Count(reject);
                rejected.Add(new QuarantinedBar(row, reject));
                continue;
            }

            if (accepted.Count > 0 && accepted[^1].TsUtc >= row.TsUtc)
            {
                if (accepted[^1].TsUtc == row.TsUtc)
                {
                    Count("duplicate_ts");
                    accepted[^1] = row; // the later one wins
                    continue;
                }

                ordered = false;
            }

            accepted.Add(row);
        }

        return new SanitizeResult(ordered ? accepted : InTimeOrder(accepted, Count), rejected, reasons);
    }

    /// <summary>An answer out of time order: sorted, and of bars with the same time the later one kept.</summary>
    private static List<CandleRow> InTimeOrder(List<CandleRow> rows, Action<string> count)
    {
        var byTime = new Dictionary<long, CandleRow>(rows.Count);
        foreach (var row in rows)
        {
            if (byTime.ContainsKey(row.TsUtc))
            {
                count("duplicate_ts");
            }

            byTime[row.TsUtc] = row;
        }

        var sorted = byTime.Values.ToList();
        sorted.Sort(static (a, b) => a.TsUtc.CompareTo(b.TsUtc));
        return sorted;
    }

    private static bool InsideSession(CandleRow row, MarketCalendar calendar)
    {
        var session = calendar.SessionOn(row.IstDate);
        return session is not null && row.Start >= session.Open && row.Start < session.Close + TimeSpan.FromMinutes(10);
    }
}

internal sealed record SanitizeResult(List<CandleRow> Accepted, List<QuarantinedBar> Rejected, Dictionary<string, int> Reasons);
