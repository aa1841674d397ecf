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

    /// <summary>
    /// At the moving edge of a session still trading, FYERS may publish the last bars a little late:
    /// bars missing only in this last stretch before the fetch are not judged (the cursor stays before
    /// them, so the next run asks again anyway).
    /// </summary>
    private static readonly TimeSpan PublicationSlack = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The sessions in [from, until] and the ones an answer lacked, judged bar by bar (issue 19):
    /// no bar at all ("missing"), bars missing before the last one received ("lacks 10:32-11:43 (72
    /// of 375 bars)"), or bars that stop before the close ("truncated"). For each gap, its first
    /// missing bar, before which the cursor stops. A session cut by the range (a cursor mid-day)
    /// is judged from the cursor on; one still trading up to the last bar received, or, with no bar,
    /// up to half an hour before the fetch. Special sessions are not judged: FYERS lacks some of
    /// them outright and stamps others late (fyers-protocol.md §13.12). Intraday only.
    /// </summary>
    public (IReadOnlyList<DateOnly> Checked, IReadOnlyList<DayGap> Gaps) FindGaps(string symbol, Resolution resolution, IReadOnlyCollection<CandleRow> rows, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!resolution.IsIntraday || resolution.BarLength is not { } bar)
        {
            return ([], []);
        }

        var byDay = new Dictionary<DateOnly, HashSet<long>>();
        foreach (var row in rows)
        {
            if (!byDay.TryGetValue(row.IstDate, out var times))
            {
                byDay[row.IstDate] = times = [];
            }

            times.Add(row.TsUtc);
        }

        var checkedDays = new List<DateOnly>();
        var gaps = new List<DayGap>();
        foreach (var session in calendar.Sessions(MarketTime.IstDate(from), MarketTime.IstDate(until)))
        {
            var expected = calendar.ExpectedBars(session, resolution, IngestionOptions.IsFnoStock(symbol));
            if (session.IsSpecial || expected == 0)
            {
                continue;
            }

            var times = byDay.GetValueOrDefault(session.Date);
            var lastReceived = times is { Count: > 0 } ? DateTimeOffset.FromUnixTimeSeconds(times.Max()) : (DateTimeOffset?)null;
            var closed = session.Close <= until;
            // The bars judged: complete inside [from, until], and for a session still trading not past
            // the last bar received (or, with none, not in the last half hour).
            var judgedUntil = closed ? until : lastReceived is { } last ? last + bar : until - PublicationSlack;
            var judged = Enumerable.Range(0, expected)
                .Select(i => session.Open + (bar * i))
                .Where(start => start >= from && start + bar <= until && start + bar <= judgedUntil)
                .ToList();
            if (judged.Count == 0)
            {
                continue;
            }

            checkedDays.Add(session.Date);
            var missing = judged.Where(start => times is null || !times.Contains(start.ToUnixTimeSeconds())).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var kind = missing.Count == judged.Count ? GapKind.Missing
                : lastReceived is { } seen && missing.All(m => m > seen) ? GapKind.Truncated
                : GapKind.Lacking;
            var reason = kind switch
            {
                GapKind.Missing => "missing",
                GapKind.Truncated => "truncated",
                _ => Lacks(missing, bar, expected),
            };
            gaps.Add(new DayGap(session.Date, kind, reason, missing[0]));
        }

        return (checkedDays, gaps);
    }

    /// <summary>"lacks 10:32-11:43, 14:00 (73 of 375 bars)": the missing bars as stretches of IST times.</summary>
    public static string Lacks(IReadOnlyList<DateTimeOffset> missing, TimeSpan bar, int expected)
    {
        ArgumentNullException.ThrowIfNull(missing);
        const int Named = 3;
        var runs = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var start in missing.Order())
        {
            if (runs.Count > 0 && runs[^1].To + bar == start)
            {
                runs[^1] = (runs[^1].From, start);
            }
            else
            {
                runs.Add((start, start));
            }
        }

        var named = string.Join(", ", runs.Take(Named).Select(r => r.From == r.To ? $"{MarketTime.ToIst(r.From):HH:mm}" : $"{MarketTime.ToIst(r.From):HH:mm}-{MarketTime.ToIst(r.To):HH:mm}"));
        return $"lacks {named}{(runs.Count > Named ? $" and {runs.Count - Named} more stretches" : string.Empty)} ({missing.Count} of {expected} bars)";
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
