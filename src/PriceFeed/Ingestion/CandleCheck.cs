using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// What a fetched chunk is worth: its complete bars sanitized (repaired or quarantined with a
/// reason), and how many bars the NSE sessions in its range say there should be.
/// </summary>
internal sealed class CandleCheck(MarketCalendar calendar, IOptions<FyersOptions> fyers)
{
    public CheckedChunk Inspect(RunState run, string symbol, Resolution resolution, HistoryChunk chunk, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(chunk);
        var sanitized = CandleSanitizer.Sanitize(symbol, resolution, chunk.CompleteCandles, Source(chunk.IsSynthetic), calendar);
        foreach (var (reason, count) in sanitized.Reasons)
        {
            run.Reasons[reason] = run.Reasons.GetValueOrDefault(reason) + count;
        }

        var expected = ExpectedBars(symbol, resolution, from, to < chunk.FetchedAt ? to : chunk.FetchedAt);
        var empty = sanitized.Accepted.Count == 0 && expected > 0;
        var report = new SymbolReport(symbol, resolution.Code, !empty, sanitized.Accepted.Count, expected, chunk.Candles.Count, sanitized.Rejected.Count,
            empty ? $"FYERS returned no {resolution} bars for {symbol} between {MarketTime.Format(from)} and {MarketTime.Format(to)}, although the market was open." : null);
        return new CheckedChunk(report, sanitized.Accepted, sanitized.Rejected, expected);
    }

    /// <summary>A session whose bars stop this long before the last expected one is "truncated".</summary>
    private static readonly TimeSpan TruncationSlack = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The whole sessions inside [from, until] and the ones an answer lacked: no bar at all
    /// ("missing"), or bars that stop 30 minutes or more before the last one expected ("truncated").
    /// Sessions cut by the range (a cursor mid-day, today still trading) and special sessions are not
    /// judged. Intraday only.
    /// </summary>
    public (IReadOnlyList<DateOnly> Checked, IReadOnlyList<DayGap> Gaps) FindGaps(string symbol, Resolution resolution, IReadOnlyCollection<CandleRow> rows, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!resolution.IsIntraday || resolution.BarLength is not { } bar)
        {
            return ([], []);
        }

        var lastByDay = new Dictionary<DateOnly, long>();
        foreach (var row in rows)
        {
            lastByDay[row.IstDate] = Math.Max(lastByDay.GetValueOrDefault(row.IstDate), row.TsUtc);
        }

        var checkedDays = new List<DateOnly>();
        var gaps = new List<DayGap>();
        foreach (var session in calendar.Sessions(MarketTime.IstDate(from), MarketTime.IstDate(until)))
        {
            var expected = calendar.ExpectedBars(session, resolution, IngestionOptions.IsFnoStock(symbol));
            // Special sessions (Muhurat, often on a weekend) are not judged: FYERS lacks some of them
            // outright and stamps others late (fyers-protocol.md §13.12), so a gap there proves nothing.
            if (session.IsSpecial || session.Open < from || session.Close > until || expected == 0)
            {
                continue;
            }

            checkedDays.Add(session.Date);
            var lastExpected = session.Open + (bar * (expected - 1));
            if (!lastByDay.TryGetValue(session.Date, out var last))
            {
                gaps.Add(new DayGap(session.Date, "missing"));
            }
            else if (DateTimeOffset.FromUnixTimeSeconds(last) < lastExpected - TruncationSlack)
            {
                gaps.Add(new DayGap(session.Date, "truncated"));
            }
        }

        return (checkedDays, gaps);
    }

    /// <summary>"sandbox" for synthetic data (the sandbox marks every answer), else "fyers".</summary>
    public string Source(bool synthetic) => synthetic || fyers.Value.UseSandbox ? "sandbox" : "fyers";

    /// <summary>Bars whose whole span lies in [from, until], over the sessions of the calendar.</summary>
    public int ExpectedBars(string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset until)
    {
        if (resolution.BarLength is not { } bar)
        {
            return 0;
        }

        var total = 0;
        foreach (var session in calendar.Sessions(MarketTime.IstDate(from), MarketTime.IstDate(until)))
        {
            if (!resolution.IsIntraday)
            {
                total += session.Close <= until && session.Open >= from.AddDays(-1) ? 1 : 0;
                continue;
            }

            var sessionBars = calendar.ExpectedBars(session, resolution, IngestionOptions.IsFnoStock(symbol));
            for (var i = 0; i < sessionBars; i++)
            {
                var start = session.Open + (bar * i);
                if (start >= from && start + bar <= until)
                {
                    total++;
                }
            }
        }

        return total;
    }
}
