using System.Text.Json;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

using PriceFeed.Ingestion;

namespace PriceFeed.Coverage;

/// <summary>
/// <c>pricefeed verify</c>: reads every candle file of the lake and proves it whole, or lists what is
/// not: unreadable files, duplicate bars, symbol-days the NSE calendar says traded but the lake lacks
/// or holds only in part, cursors ahead of the stored bars, and backfill ledgers that call a chunk
/// done although a day in it is missing. With repair it moves unreadable files to
/// quarantine/unreadable/ (never deletes data), rewinds those cursors and ledgers, and fetches the
/// missing days through the backfill, within the rate limits, then checks again.
/// </summary>
internal sealed class LakeVerifier(IDataSink sink, CandleLake lake, GapLedger gapLedger, LakeWriter writer, MarketCalendar calendar, WatchlistSource watchlist, Live.TickCompactor ticks, IOptions<IngestionOptions> options, TimeProvider time)
{
    public async Task<LakeCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var code = options.Value.ParsedResolutions[0].Code;
        var resolution = Resolution.Parse(code);
        var unreadable = new List<string>();
        var unhashed = new List<string>();
        // Per symbol-day its bar times (seconds since the epoch), to judge every expected minute.
        var days = new Dictionary<(string Symbol, DateOnly Date), HashSet<long>>();
        var duplicates = 0;
        foreach (var key in await sink.ListAsync(LakeKeys.QuotesRoot, cancellationToken))
        {
            if (key.EndsWith(".parquet", StringComparison.Ordinal) && await ReadCheckedAsync(key, unreadable, unhashed, cancellationToken) is null)
            {
                continue; // listed as unreadable
            }
        }

        // The ticks dataset (issue 21): every compacted day's bytes as written, readable, no tick twice.
        var tickDays = 0;
        var tickCount = 0L;
        var tickDuplicates = 0;
        foreach (var key in await sink.ListAsync(LakeKeys.TicksRoot, cancellationToken))
        {
            if (!key.EndsWith(".parquet", StringComparison.Ordinal))
            {
                continue;
            }

            // A day of ticks can be gigabytes: checked from a local copy, hashed and read as streams.
            var copy = Path.Combine(Path.GetTempPath(), $"pricefeed-verify-{Guid.NewGuid():N}.parquet");
            try
            {
                if (!await CopyCheckedAsync(key, copy, unreadable, unhashed, cancellationToken))
                {
                    continue;
                }

                await using var file = new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                var (dayTicks, repeats) = await Live.TickParquet.CountAsync(file, cancellationToken);
                tickDays++;
                tickCount += dayTicks;
                tickDuplicates += (int)repeats;
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                unreadable.Add($"{key}: cannot be read as Parquet ({e.GetType().Name}: {e.Message})");
            }
            finally
            {
                File.Delete(copy);
            }
        }

        foreach (var key in await sink.ListAsync(LakeKeys.CandlesOf(code), cancellationToken))
        {
            if (!key.EndsWith(".parquet", StringComparison.Ordinal) || DateOf(key) is not { } date || await ReadCheckedAsync(key, unreadable, unhashed, cancellationToken) is not { } bytes)
            {
                continue;
            }

            List<CandleRow> rows;
            try
            {
                rows = await CandleParquet.ReadAsync(bytes, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                unreadable.Add($"{key}: cannot be read as Parquet ({e.GetType().Name}: {e.Message})");
                continue;
            }

            foreach (var group in rows.GroupBy(r => r.Symbol, StringComparer.Ordinal))
            {
                var times = new HashSet<long>();
                foreach (var row in group)
                {
                    duplicates += times.Add(row.TsUtc) ? 0 : 1;
                }

                days[(group.Key, date)] = times;
            }
        }

        var known = await gapLedger.ReadAsync(cancellationToken);
        var symbols = days.Keys.Select(k => k.Symbol)
            .Concat(known.Keys.Select(k => k.Split('|')).Where(p => p.Length == 3 && p[1] == code).Select(p => p[0]))
            .Concat(await WatchlistOrEmptyAsync(cancellationToken))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var gaps = new List<SymbolDay>();
        var givenUp = new List<SymbolDay>();
        var unreadableDates = unreadable.Select(u => DateOf(u)).OfType<DateOnly>().ToList();
        var storedDates = days.Keys.Select(k => k.Date).Concat(unreadableDates).ToList();
        var today = MarketTime.IstDate(time.GetUtcNow());
        if (storedDates.Count > 0 && resolution.IsIntraday && resolution.BarLength is { } bar)
        {
            // Every expected minute of every symbol, from the lake's first day to the last finished session.
            foreach (var session in calendar.Sessions(storedDates.Min(), today.AddDays(-1)).Where(s => !s.IsSpecial))
            {
                foreach (var symbol in symbols)
                {
                    var expected = calendar.ExpectedBars(session, resolution, IngestionOptions.IsFnoStock(symbol));
                    if (expected == 0 || Lacks(days.GetValueOrDefault((symbol, session.Date)), session.Open, bar, expected) is not { } lacking)
                    {
                        continue;
                    }

                    // Given up is its own state, never "whole" (issue 19): listed apart, asked again by --repair.
                    var entry = known.GetValueOrDefault(GapLedger.Key(symbol, code, session.Date));
                    if (entry is { GivenUp: true })
                    {
                        givenUp.Add(new SymbolDay(symbol, session.Date, $"given up ({lacking}; FYERS lacked it on {entry.Days.Count} days, last {entry.LastAsked.ToOffset(MarketTime.IstOffset):yyyy-MM-dd})"));
                    }
                    else
                    {
                        gaps.Add(new SymbolDay(symbol, session.Date, entry is null ? lacking : $"{lacking}, asked again (FYERS lacked it on {entry.Days.Count} days so far)"));
                    }
                }
            }
        }

        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var ahead = cursors
            .Where(c => c.Key.EndsWith($"|{code}", StringComparison.Ordinal))
            .Where(c => !days.Any(d => d.Key.Symbol == c.Key[..^(code.Length + 1)] && d.Value.Any(ts => ts >= c.Value)))
            .Select(c => c.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var ledgers = await LedgersDoneOverGapsAsync(gaps, code, cancellationToken);
        var stray = sink is LocalDataSink local ? local.TemporaryFiles() : [];
        return new LakeCheck(days.Count, unreadable, duplicates + tickDuplicates, gaps, ahead, ledgers, givenUp)
        {
            Unhashed = unhashed,
            TemporaryFiles = stray,
            TickDays = tickDays,
            Ticks = tickCount,
            TickLogsNotCompacted = ticks.FinishedPendingDays(),
            StagedTicksNotCompacted = await ticks.FinishedStagedDaysAsync(cancellationToken),
        };
    }

    /// <summary>"missing" (no bar), or the expected bars a day lacks (<see cref="CandleCheck.Lacks"/>); null when every one is there.</summary>
    private static string? Lacks(HashSet<long>? times, DateTimeOffset open, TimeSpan bar, int expected)
    {
        if (times is null || times.Count == 0)
        {
            return "missing";
        }

        var missing = Enumerable.Range(0, expected).Select(i => open + (bar * i)).Where(start => !times.Contains(start.ToUnixTimeSeconds())).ToList();
        return missing.Count == 0 ? null : CandleCheck.Lacks(missing, bar, expected);
    }

    /// <summary>
    /// The file's bytes when they are the ones recorded at writing (or no record exists yet), else null
    /// with the file listed as unreadable: a changed byte is found even where Parquet still reads.
    /// </summary>
    private async Task<byte[]?> ReadCheckedAsync(string key, List<string> unreadable, List<string> unhashed, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await sink.ReadAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            unreadable.Add($"{key}: cannot be read ({e.GetType().Name}: {e.Message})");
            return null;
        }

        if (bytes is null)
        {
            return null;
        }

        return await MatchesRecordAsync(key, () => Task.FromResult(LakeHashes.Of(bytes)), unreadable, unhashed, cancellationToken) ? bytes : null;
    }

    /// <summary><see cref="ReadCheckedAsync"/> for a file too big for memory: copied to <paramref name="path"/>, hashed as a stream.</summary>
    private async Task<bool> CopyCheckedAsync(string key, string path, List<string> unreadable, List<string> unhashed, CancellationToken cancellationToken)
    {
        try
        {
            if (!await sink.ReadToFileAsync(key, path, cancellationToken))
            {
                return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            unreadable.Add($"{key}: cannot be read ({e.GetType().Name}: {e.Message})");
            return false;
        }

        return await MatchesRecordAsync(key, () => LakeHashes.OfFileAsync(path, cancellationToken), unreadable, unhashed, cancellationToken);
    }

    /// <summary>
    /// True unless the file's hash differs from its record (then it is listed as damaged); a file
    /// without a record is listed as unhashed and passes.
    /// </summary>
    private async Task<bool> MatchesRecordAsync(string key, Func<Task<string>> hash, List<string> unreadable, List<string> unhashed, CancellationToken cancellationToken)
    {
        var recorded = await LakeHashes.RecordedAsync(sink, key, cancellationToken);
        if (recorded is null)
        {
            unhashed.Add(key);
            return true;
        }

        if (!recorded.Contains(await hash()))
        {
            unreadable.Add($"{key}: its bytes are not the ones written (SHA-256 differs from the record): damaged since");
            return false;
        }

        return true;
    }

    private async Task<IReadOnlyList<string>> WatchlistOrEmptyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await watchlist.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or IOException or Amazon.Runtime.AmazonServiceException)
        {
            return []; // the stored symbols and the ledger still decide; a watchlist that cannot be read fails the next run
        }
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
                await LakeHashes.QuarantineUnreadableAsync(sink, key, cancellationToken);
            }

            // Files from before hashes were kept, which read cleanly: their bytes are recorded now.
            foreach (var key in found.Unhashed.Except(found.Unreadable.Select(u => u[..u.IndexOf(": ", StringComparison.Ordinal)]), StringComparer.Ordinal))
            {
                if (await sink.ReadAsync(key, cancellationToken) is { } bytes)
                {
                    await LakeHashes.AdoptAsync(sink, key, bytes, cancellationToken);
                }
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
        var ledger = new BackfillLedger(sink);
        foreach (var id in await ledger.IdsAsync(cancellationToken))
        {
            var done = await ledger.ReadAsync(id, cancellationToken);
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

    private static DateOnly? DateOf(string key) => LakeKeys.DateOf(key);
}

/// <summary>A symbol-day the lake lacks ("missing"), holds only in part ("lacks 10:32-11:43 (72 of 360 bars)"), or gave up.</summary>
internal sealed record SymbolDay(string Symbol, DateOnly Date, string Reason);

/// <summary>What <see cref="LakeVerifier"/> found; <see cref="IsWhole"/> when nothing.</summary>
internal sealed record LakeCheck(int SymbolDays, IReadOnlyList<string> Unreadable, int Duplicates, IReadOnlyList<SymbolDay> Gaps, IReadOnlyList<string> CursorsAhead, IReadOnlyList<(string Id, List<string> Chunks)> LedgersDoneOverGaps, IReadOnlyList<SymbolDay> GivenUp)
{
    /// <summary>Data files without a recorded hash (written before hashes were kept): checked as Parquet only; repair records them.</summary>
    public IReadOnlyList<string> Unhashed { get; init; } = [];

    /// <summary>Temporary files a killed write left (local lake): harmless, removed by the next writer and by repair.</summary>
    public IReadOnlyList<string> TemporaryFiles { get; init; } = [];

    /// <summary>Days of compacted ticks read, and their ticks.</summary>
    public int TickDays { get; init; }

    public long Ticks { get; init; }

    /// <summary>
    /// Finished days whose ticks are still only in the local tick log (the stream compacts them when
    /// the market is shut; 'verify --repair' does it now). Not a gap: the ticks are on disk.
    /// </summary>
    public IReadOnlyList<DateOnly> TickLogsNotCompacted { get; init; } = [];

    /// <summary>
    /// Finished days whose ticks the stream shifts staged in the lake (AWS, issue 22) and the
    /// end-of-day job has not compacted yet (it failed, or has not run): safe in the lake, not in
    /// the day's Parquet. 'verify --repair' compacts them.
    /// </summary>
    public IReadOnlyList<DateOnly> StagedTicksNotCompacted { get; init; } = [];

    /// <summary>Whole means every expected bar is there: a given-up day is not whole, only explained.</summary>
    public bool IsWhole => Unreadable.Count == 0 && Duplicates == 0 && Gaps.Count == 0 && CursorsAhead.Count == 0 && LedgersDoneOverGaps.Count == 0 && GivenUp.Count == 0;
}
