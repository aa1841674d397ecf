using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// A trading day an answer lacked: "missing" (no bars), "truncated" (the bars stop before the close)
/// or "lacks 10:32-11:43 (72 of 375 bars)"; <paramref name="FirstMissing"/> is where the cursor stops.
/// </summary>
internal sealed record DayGap(DateOnly Date, GapKind Kind, string Reason, DateTimeOffset FirstMissing);

/// <summary>
/// A run's copy of the gap ledger. Each answer is settled against it: a lacking day is asked once more
/// (open, so neither the backfill ledger nor a cursor passes it) until answers on Ingestion:GapRetries
/// different IST days lacked it, then given up; a day an answer has is closed. Fast reruns on one day
/// count once (issue 19: three reruns within seconds gave a day up). Saved with the bars, under the writer lock.
/// </summary>
internal sealed class GapBook(Dictionary<string, GapEntry> entries, int retries, DateTimeOffset now)
{
    public Dictionary<string, GapEntry> Entries => entries;

    public bool Changed { get; private set; }

    public int Retries => retries;

    /// <summary>The gaps still open after this answer, over the whole sessions it covered.</summary>
    public IReadOnlyList<DayGap> Settle(string symbol, string resolution, IReadOnlyList<DateOnly> checkedDays, IReadOnlyList<DayGap> gaps)
    {
        ArgumentNullException.ThrowIfNull(checkedDays);
        ArgumentNullException.ThrowIfNull(gaps);
        var open = new List<DayGap>();
        foreach (var day in checkedDays)
        {
            var key = GapLedger.Key(symbol, resolution, day);
            if (gaps.FirstOrDefault(g => g.Date == day) is { } gap)
            {
                var attempts = (entries.TryGetValue(key, out var known) ? known.Attempts : 0) + 1;
                var today = MarketTime.IstDate(now);
                var days = known is null ? [today] : known.Days.Contains(today) ? known.Days : [.. known.Days, today];
                var givenUp = days.Count >= retries;
                entries[key] = new GapEntry(gap.Reason, attempts, now, givenUp, days, gap.Kind);
                Changed = true;
                if (!givenUp)
                {
                    open.Add(gap);
                }
            }
            else if (entries.Remove(key))
            {
                Changed = true;
            }
        }

        return open;
    }

    /// <summary>"FYERS' answer lacks 2026-05-06 (missing) and 2026-05-07 (truncated); asked 1 of 3 times, the next run asks again."</summary>
    public string Describe(string symbol, string resolution, IReadOnlyList<DayGap> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var asked = open.Max(g => entries.TryGetValue(GapLedger.Key(symbol, resolution, g.Date), out var e) ? e.Days.Count : 1);
        var days = string.Join(", ", open.Take(5).Select(g => $"{g.Date:yyyy-MM-dd} ({g.Reason})")) + (open.Count > 5 ? $" and {open.Count - 5} more" : string.Empty);
        return $"FYERS' answer for {symbol} lacks trading days the NSE calendar says were open: {days}. Asked on {asked} of {retries} days; the next run asks again, nothing past the gap is marked done.";
    }
}
