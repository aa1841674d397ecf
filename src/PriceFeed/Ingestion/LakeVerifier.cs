using System.Text.Json;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// <c>pricefeed verify</c>: reads every candle file of the lake and proves it whole, or lists what is
/// not: unreadable files, duplicate bars, symbol-days the NSE calendar says traded but the lake lacks
/// or holds only in part, cursors ahead of the stored bars, and backfill ledgers that call a chunk
/// done although a day in it is missing. With repair it moves unreadable files to
/// quarantine/unreadable/ (never deletes data), rewinds those cursors and ledgers, and fetches the
/// missing days through the backfill, within the rate limits, then checks again.
/// </summary>
internal sealed class LakeVerifier(IDataSink sink, CandleLake lake, GapLedger gapLedger, LakeWriter writer, MarketCalendar calendar, CandleCheck check, IOptions<IngestionOptions> options, TimeProvider time)
{
    public async Task<LakeCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var code = options.Value.ParsedResolutions[0].Code;
        var resolution = Resolution.Parse(code);
        var unreadable = new List<string>();
        // Per symbol-day only its latest bar is kept: enough to judge the day, small for a big lake.
        var days = new Dictionary<(string Symbol, DateOnly Date), List<CandleRow>>();
        var duplicates = 0;
        foreach (var key in await sink.ListAsync($"candles/resolution={code}/", cancellationToken))
        {
            if (!key.EndsWith(".parquet", StringComparison.Ordinal) || DateOf(key) is not { } date)
            {
                continue;
            }

            try
            {
                foreach (var group in (await lake.ReadAsync(code, date, cancellationToken)).GroupBy(r => r.Symbol, StringComparer.Ordinal))
                {
                    var rows = group.ToList();
                    duplicates += rows.Count - rows.Select(r => r.TsUtc).Distinct().Count();
                    days[(group.Key, date)] = [rows.MaxBy(r => r.TsUtc)];
                }
            }
            catch (LakeFileException e)
            {
                unreadable.Add($"{key}: {e.InnerException?.Message ?? e.Message}");
            }
        }

        var gaps = new List<SymbolDay>();
        var givenUp = new List<SymbolDay>();
        var known = await gapLedger.ReadAsync(cancellationToken);
        var today = MarketTime.IstDate(time.GetUtcNow());
        var unreadableDates = unreadable.Select(u => DateOf(u)).OfType<DateOnly>().ToList();
        foreach (var symbol in days.Keys.Select(k => k.Symbol).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // From the symbol's first stored day to the lake's last: a damaged day file counts as lacking.
            var stored = days.Keys.Where(k => k.Symbol == symbol).Select(k => k.Date).Concat(unreadableDates).ToList();
            var lastInLake = days.Keys.Select(k => k.Date).Concat(unreadableDates).Max();
            foreach (var session in calendar.Sessions(stored.Min(), lastInLake).Where(s => s.Date < today))
            {
                var rows = days.GetValueOrDefault((symbol, session.Date)) ?? [];
                var (_, lacking) = check.FindGaps(symbol, resolution, rows, session.Open, session.Close);
                if (lacking.Count == 0)
                {
                    continue;
                }

                // Given up is its own state, never "whole" (issue 19): listed apart, asked again by --repair.
                if (known.TryGetValue(GapLedger.Key(symbol, code, session.Date), out var entry) && entry.GivenUp)
                {
                    givenUp.Add(new SymbolDay(symbol, session.Date, $"given up ({lacking[0].Reason}; FYERS lacked it on {entry.Days.Count} days, last {entry.LastAsked.ToOffset(MarketTime.IstOffset):yyyy-MM-dd})"));
                }
                else
                {
                    gaps.Add(new SymbolDay(symbol, session.Date, known.TryGetValue(GapLedger.Key(symbol, code, session.Date), out var open) ? $"{lacking[0].Reason}, asked again (FYERS lacked it on {open.Days.Count} days so far)" : lacking[0].Reason));
                }
            }
        }

        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var ahead = cursors
            .Where(c => c.Key.EndsWith($"|{code}", StringComparison.Ordinal))
            .Where(c => !days.Any(d => d.Key.Symbol == c.Key[..^(code.Length + 1)] && d.Value.Any(r => r.TsUtc >= c.Value)))
            .Select(c => c.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var ledgers = await LedgersDoneOverGapsAsync(gaps, code, cancellationToken);
        return new LakeCheck(days.Count, unreadable, duplicates, gaps, ahead, ledgers, givenUp);
    }

    /// <summary>Quarantines unreadable files, rewinds cursors and ledgers past gaps, refetches the missing days, and checks again.</summary>
    public async Task<LakeCheck> RepairAsync(LakeCheck found, Func<BackfillRequest, Task<RunReport>> backfill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(backfill);
        var code = options.Value.ParsedResolutions[0].Code;
        await using (await writer.AcquireAsync("verify", cancellationToken))
        {
            foreach (var key in found.Unreadable.Select(u => u[..u.IndexOf(": ", StringComparison.Ordinal)]))
            {
                var bytes = await sink.ReadAsync(key, cancellationToken);
                await sink.WriteAsync($"quarantine/unreadable/{key}", bytes ?? [], cancellationToken);
                await sink.DeleteAsync(key, cancellationToken);
            }

            // Given-up days are asked again: their ledger entries and the backfill chunks marked done
            // over them are cleared, so the refetch below really asks FYERS and counts afresh.
            if (found.GivenUp.Count > 0)
            {
                var gapEntries = await gapLedger.ReadAsync(cancellationToken);
                foreach (var day in found.GivenUp)
                {
                    gapEntries.Remove(GapLedger.Key(day.Symbol, code, day.Date));
                }

                await gapLedger.WriteAsync(gapEntries, cancellationToken);
                foreach (var (id, chunks) in await LedgersDoneOverGapsAsync([.. found.GivenUp], code, cancellationToken))
                {
                    var ledger = new BackfillLedger(sink);
                    var done = await ledger.ReadAsync(id, cancellationToken);
                    done.ExceptWith(chunks);
                    await ledger.WriteAsync(id, done, cancellationToken);
                }
            }

            // Cursors go back to before the first gap, so the scheduled jobs never skip past it either.
            var cursors = await lake.ReadCursorsAsync(cancellationToken);
            foreach (var symbol in found.Gaps.Select(g => g.Symbol).Concat(found.CursorsAhead.Select(c => c[..c.IndexOf('|', StringComparison.Ordinal)])).Distinct(StringComparer.Ordinal))
            {
                cursors.Remove(CandleLake.CursorKey(symbol, code));
            }

            await lake.ReplaceCursorsAsync(cursors, cancellationToken);
            foreach (var (id, chunks) in found.LedgersDoneOverGaps)
            {
                var ledger = new BackfillLedger(sink);
                var done = await ledger.ReadAsync(id, cancellationToken);
                done.ExceptWith(chunks);
                await ledger.WriteAsync(id, done, cancellationToken);
            }
        }

        var missing = found.Gaps.Concat(found.GivenUp).Select(g => (g.Symbol, g.Date)).ToList();
        foreach (var (symbol, dates) in missing.GroupBy(m => m.Item1, m => m.Item2, StringComparer.Ordinal).Select(g => (g.Key, g.Distinct().Order().ToList())))
        {
            foreach (var (from, to) in Runs(dates))
            {
                await backfill(new BackfillRequest(from, to, [symbol], [code], null));
            }
        }

        return await CheckAsync(cancellationToken);
    }

    private async Task<List<(string Id, List<string> Chunks)>> LedgersDoneOverGapsAsync(List<SymbolDay> gaps, string code, CancellationToken cancellationToken)
    {
        var result = new List<(string, List<string>)>();
        foreach (var key in await sink.ListAsync("_state/backfill/", cancellationToken))
        {
            var id = Path.GetFileNameWithoutExtension(key);
            var done = await new BackfillLedger(sink).ReadAsync(id, cancellationToken);
            var wrong = done.Where(entry =>
            {
                var parts = entry.Split('|');
                return parts.Length == 4 && parts[1] == code
                    && DateOnly.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var from)
                    && DateOnly.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var to)
                    && gaps.Any(g => g.Symbol == parts[0] && g.Date >= from && g.Date <= to);
            }).ToList();
            if (wrong.Count > 0)
            {
                result.Add((id, wrong));
            }
        }

        return result;
    }

    /// <summary>Consecutive calendar dates as ranges, so a repair asks FYERS once per stretch, not once per day.</summary>
    private static IEnumerable<(DateOnly From, DateOnly To)> Runs(List<DateOnly> dates)
    {
        for (var i = 0; i < dates.Count;)
        {
            var j = i;
            while (j + 1 < dates.Count && dates[j + 1].DayNumber - dates[j].DayNumber <= 4)
            {
                j++;
            }

            yield return (dates[i], dates[j]);
            i = j + 1;
        }
    }

    private static DateOnly? DateOf(string key) =>
        key.Split('/').FirstOrDefault(p => p.StartsWith("date=", StringComparison.Ordinal)) is { } part
        && DateOnly.TryParseExact(part[5..15], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            ? date
            : null;
}

/// <summary>A symbol-day the lake lacks ("missing") or holds only in part ("truncated").</summary>
internal sealed record SymbolDay(string Symbol, DateOnly Date, string Reason);

/// <summary>What <see cref="LakeVerifier"/> found; <see cref="IsWhole"/> when nothing.</summary>
internal sealed record LakeCheck(int SymbolDays, IReadOnlyList<string> Unreadable, int Duplicates, IReadOnlyList<SymbolDay> Gaps, IReadOnlyList<string> CursorsAhead, IReadOnlyList<(string Id, List<string> Chunks)> LedgersDoneOverGaps, IReadOnlyList<SymbolDay> GivenUp)
{
    /// <summary>Whole means every expected bar is there: a given-up day is not whole, only explained.</summary>
    public bool IsWhole => Unreadable.Count == 0 && Duplicates == 0 && Gaps.Count == 0 && CursorsAhead.Count == 0 && LedgersDoneOverGaps.Count == 0 && GivenUp.Count == 0;
}
