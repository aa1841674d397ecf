using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Http;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// A resumable backfill: history for a range split into the chunks FYERS allows, fetched window by
/// window across symbols, stored in batches. A ledger in the lake records finished chunks, so a killed
/// run continues where it stopped; a chunk enters the ledger only once its rows are stored.
/// </summary>
internal sealed class BackfillJob(FyersDataClient data, CandleLake lake, BackfillLedger ledger, GapLedger gapLedger, FyersRateLimiter limiter, RunRecorder recorder, RunGuards guards, CandleCheck check, IOptions<IngestionOptions> options, TimeProvider time)
{
    /// <summary>
    /// Fetched rows parked on disk before a merge, at most (about 290 MB of spill); a window holds
    /// fewer unless the watchlist runs to hundreds of symbols.
    /// </summary>
    private const long SpillRows = 5_000_000;

    public async Task<RunReport> RunAsync(BackfillRequest request, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = recorder.Begin(Job.Backfill);
        if (await guards.LakeAsync(run, cancellationToken) is not { } lease)
        {
            return run.Report!;
        }

        await using (lease)
        {
            return await FetchAsync(run, request, progress, cancellationToken);
        }
    }

    private async Task<RunReport> FetchAsync(RunState run, BackfillRequest request, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        if (await guards.UsableCredentialsAsync(run, cancellationToken) is not { } credentials)
        {
            return run.Report!;
        }

        // No --symbols: the watchlist as the other jobs read it (the local file or SSM, not only the
        // built-in default). Either way, symbols FYERS' master does not list are named and skipped.
        if (await guards.WatchlistAsync(run, cancellationToken, request.Symbols) is not { } symbols)
        {
            return run.Report!;
        }

        var unknown = run.Symbols.Count;
        var notAskedFor = unknown == 0 ? string.Empty : $" {unknown} symbol{(unknown == 1 ? " is" : "s are")} not in FYERS' symbol master and {(unknown == 1 ? "was" : "were")} not asked for.";
        request = request with { Symbols = symbols };
        var done = await ledger.ReadAsync(request.LedgerId, cancellationToken);
        var gaps = new GapBook(await gapLedger.ReadAsync(cancellationToken), options.Value.GapRetries, time.GetUtcNow());
        var chunks = (from symbol in request.Symbols
                      from code in request.Resolutions
                      from chunk in HistoryRequest.ForDates(symbol, Resolution.Parse(code), request.From, request.To).Split()
                      select chunk).ToList();

        // Window by window across symbols, so each day's partition is rewritten a few times, not once per symbol.
        var todo = chunks.Where(c => !done.Contains(LedgerEntry(c)))
            .OrderBy(c => c.FromDate).ThenBy(c => c.Symbol, StringComparer.Ordinal).ThenBy(c => c.Resolution.Code, StringComparer.Ordinal)
            .ToList();
        var skipped = chunks.Count - todo.Count;
        var requestsAtStart = limiter.Granted;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var finished = 0;

        // Rows are parked on disk by partition until their window (the chunks of all symbols for the
        // same dates) is fetched, then each day file is merged once: merging chunk by chunk would
        // rewrite each day once per symbol, and holding a window in memory grows with the watchlist.
        using var spill = new CandleSpill();
        var rejected = new List<QuarantinedBar>();
        var finishedChunks = new List<string>();
        DateOnly? window = null;
        async Task FlushAsync()
        {
            foreach (var (resolution, date, rows) in spill.Drain())
            {
                run.BarsWritten += (await lake.MergePartitionAsync(resolution, date, rows, 0, rows.Count, cancellationToken)).Written;
            }

            if (rejected.Count > 0)
            {
                await lake.QuarantineAsync(rejected, cancellationToken);
                rejected.Clear();
            }

            if (gaps.Changed)
            {
                await gapLedger.WriteAsync(gaps.Entries, cancellationToken);
            }

            if (finishedChunks.Count > 0)
            {
                done.UnionWith(finishedChunks);
                finishedChunks.Clear();
                await ledger.WriteAsync(request.LedgerId, done, cancellationToken);
            }
        }

        foreach (var chunk in todo)
        {
            if (request.MaxRequests is { } max && limiter.Granted - requestsAtStart >= max)
            {
                await FlushAsync();
                return recorder.Finish(run, RunStatus.Partial, $"Stopped at the request budget ({max}); {todo.Count - finished} chunks left. Run the same command again to continue.{notAskedFor}", tokenValid: true);
            }

            progress?.Report(new BackfillProgress(finished, todo.Count, skipped, clock.Elapsed, Remaining(clock.Elapsed, finished, todo.Count), $"{chunk.Symbol} {chunk.FromDate:yyyy-MM-dd}..{chunk.ToDate:yyyy-MM-dd}"));
            try
            {
                var fetched = await data.GetHistoryChunkAsync(chunk, credentials, cancellationToken);
                var inspected = check.Inspect(run, chunk.Symbol, chunk.Resolution, fetched, chunk.From, chunk.To);
                var report = Settle(run, chunk, inspected, fetched.FetchedAt, gaps);
                run.Symbols.Add(report with { BarsWritten = inspected.Rows.Count });
                if (spill.Rows > 0 && (window != chunk.FromDate || spill.Rows + inspected.Rows.Count > SpillRows))
                {
                    await FlushAsync();
                }

                window = chunk.FromDate;
                spill.Add(inspected.Rows);
                rejected.AddRange(inspected.Rejected);
                if (report.Ok)
                {
                    finishedChunks.Add(LedgerEntry(chunk));
                }

                run.NoteSuccess();
            }
            catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
            {
                await FlushAsync();
                return await guards.FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
            }
            catch (FyersApiException e)
            {
                run.Symbols.Add(new SymbolReport(chunk.Symbol, chunk.Resolution.Code, false, 0, 0, 0, 0, e.Message));
                if (run.NoteFailure(e, options.Value.StopAfterFailures))
                {
                    await FlushAsync();
                    return recorder.Finish(run, RunStatus.Failed, $"{run.StoppedAsking} {todo.Count - finished - 1} chunks were not asked; run the same command again to continue.{notAskedFor}", tokenValid: true);
                }
            }

            finished++;
        }

        await FlushAsync();
        var failed = run.Symbols.Count(s => !s.Ok) - unknown;
        // "done" only when nothing failed: every chunk was tried either way, but a failed series is not done.
        progress?.Report(new BackfillProgress(finished, todo.Count, skipped, clock.Elapsed, TimeSpan.Zero, failed + unknown == 0 ? "done" : failed == 0 ? $"tried all; {unknown} symbol{(unknown == 1 ? string.Empty : "s")} not asked for" : $"tried all; {failed} series failed"));
        return recorder.Finish(
            run,
            failed + unknown == 0 ? RunStatus.Ok : RunStatus.Failed,
            failed == 0
                ? $"Backfill {(unknown == 0 ? "complete" : "of the others complete")}: {chunks.Count} chunks ({skipped} already done earlier), {run.WrittenSummary()}.{notAskedFor}"
                : $"{failed} chunks failed (they stay unfinished in the ledger; run the same command again to retry them).{notAskedFor}",
            tokenValid: true);
    }

    /// <summary>
    /// A chunk is done only when its answer holds every trading day of its range (or the days it
    /// lacks were asked for Ingestion:GapRetries times and given up); otherwise it stays unfinished
    /// in the ledger, so the same command asks again.
    /// </summary>
    private SymbolReport Settle(RunState run, HistoryRequest chunk, CheckedChunk inspected, DateTimeOffset fetchedAt, GapBook gaps)
    {
        var (checkedDays, lacking) = check.FindGaps(chunk.Symbol, chunk.Resolution, inspected.Rows, chunk.From, chunk.To < fetchedAt ? chunk.To : fetchedAt);
        var open = gaps.Settle(chunk.Symbol, chunk.Resolution.Code, checkedDays, lacking);
        run.GapsOpen += open.Count;
        return open.Count > 0
            ? inspected.Report with { Ok = false, Error = gaps.Describe(chunk.Symbol, chunk.Resolution.Code, open) }
            : checkedDays.Count > 0 ? inspected.Report with { Ok = true, Error = null } : inspected.Report;
    }

    private static TimeSpan? Remaining(TimeSpan elapsed, int done, int total) =>
        done == 0 ? null : elapsed / done * (total - done);

    private static string LedgerEntry(HistoryRequest chunk) =>
        $"{chunk.Symbol}|{chunk.Resolution.Code}|{chunk.FromDate:yyyy-MM-dd}|{chunk.ToDate:yyyy-MM-dd}";
}
