using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// The candle jobs. Intraday, during a session: the completed bars since each series' last stored
/// bar, so a late login catches up everything missed. End of day, after the close and the closing
/// auction: the whole session again (final bars replace intraday ones) plus the daily bar.
/// </summary>
internal sealed partial class CandleJob(
    FyersDataClient data,
    CandleLake lake,
    GapLedger gapLedger,
    MarketCalendar calendar,
    IOptions<IngestionOptions> options,
    RunRecorder recorder,
    RunGuards guards,
    CandleCheck check,
    TimeProvider time,
    ILogger<CandleJob> logger)
{
    /// <summary>After the close, the closing auction runs to 15:35 and daily bars settle: EOD waits half an hour.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(30);

    public async Task<RunReport> RunIntradayAsync(CancellationToken cancellationToken)
    {
        var run = recorder.Begin(Job.Intraday);
        var now = time.GetUtcNow();
        if (calendar.SessionAt(now) is null)
        {
            return recorder.Finish(run, RunStatus.Skipped, guards.ClosedMessage(now), tokenValid: null);
        }

        return await IngestAsync(run, now, refetch: null, cancellationToken);
    }

    /// <summary>The session of <paramref name="date"/>, or without a date the latest session that has started.</summary>
    public async Task<RunReport> RunEndOfDayAsync(DateOnly? date, CancellationToken cancellationToken)
    {
        var run = recorder.Begin(Job.Eod);
        var now = time.GetUtcNow();
        var session = date is { } d ? calendar.SessionOn(d) : calendar.LatestSessionStartedBy(now);
        if (session is null)
        {
            var day = date ?? MarketTime.IstDate(now);
            return recorder.Finish(run, RunStatus.Skipped, $"{day:yyyy-MM-dd} is not a trading day ({calendar.HolidayName(day) ?? "weekend"}): nothing to do.", tokenValid: null);
        }

        if (session.Close + SettleTime > now)
        {
            return recorder.Finish(run, RunStatus.Skipped, $"The {session.Date:yyyy-MM-dd} session's bars are final at {MarketTime.Format(session.Close + SettleTime)} (after the close and the closing auction); the end-of-day run waits for that.", tokenValid: null);
        }

        return await IngestAsync(run, session.Close, refetch: session, cancellationToken);
    }

    private async Task<RunReport> IngestAsync(RunState run, DateTimeOffset until, TradingSession? refetch, CancellationToken cancellationToken)
    {
        if (await guards.LakeAsync(run, cancellationToken) is not { } lease)
        {
            return run.Report!;
        }

        await using (lease)
        {
            return await IngestLockedAsync(run, until, refetch, cancellationToken);
        }
    }

    private async Task<RunReport> IngestLockedAsync(RunState run, DateTimeOffset until, TradingSession? refetch, CancellationToken cancellationToken)
    {
        if (await guards.UsableCredentialsAsync(run, cancellationToken) is not { } credentials
            || await guards.WatchlistAsync(run, cancellationToken) is not { } symbols)
        {
            return run.Report!;
        }

        if (refetch is null && await guards.FyersMarketClosedAsync(run, credentials, cancellationToken) is { } closed)
        {
            return closed;
        }

        run.SeriesPlanned = symbols.Count * (options.Value.ParsedResolutions.Count + (refetch is null ? 0 : 1));
        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var batch = new CandleBatch();
        var gaps = new GapBook(await gapLedger.ReadAsync(cancellationToken), options.Value.GapRetries, time.GetUtcNow());
        async Task StoreAsync(CancellationToken token)
        {
            run.BarsWritten += await lake.StoreAsync(batch, token);
            if (gaps.Changed)
            {
                await gapLedger.WriteAsync(gaps.Entries, token);
            }
        }

        try
        {
            foreach (var symbol in symbols)
            {
                if (run.StoppedAsking is not null)
                {
                    break;
                }

                foreach (var resolution in options.Value.ParsedResolutions)
                {
                    var from = StartFor(symbol, resolution, cursors, until);
                    if (refetch is not null && refetch.Open < from)
                    {
                        from = refetch.Open;
                    }

                    await IngestSeriesAsync(run, symbol, resolution, from, until, credentials, batch, gaps, cancellationToken);
                }

                if (refetch is not null)
                {
                    await IngestSeriesAsync(run, symbol, Resolution.Daily, MarketTime.At(refetch.Date, TimeOnly.MinValue), MarketTime.At(refetch.Date, new TimeOnly(23, 59, 59)), credentials, batch, gaps, cancellationToken);
                }
            }
        }
        catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
        {
            // Keep what was fetched and checked before the token died; cursors say exactly where to resume.
            await StoreAsync(cancellationToken);
            return await guards.FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
        }
        catch (OperationCanceledException) when (batch.HasBars)
        {
            // Stopped at a deadline: store what was fetched (the write itself is not cancelled, and it is
            // atomic), so a run that is always cut short still makes progress.
            await StoreAsync(CancellationToken.None);
            throw;
        }

        await StoreAsync(cancellationToken);
        run.DataLagSeconds = await DataLagAsync(symbols, until, cancellationToken);
        var failed = run.Symbols.Where(s => !s.Ok).Select(s => s.Symbol).Distinct().ToList();
        return recorder.Finish(
            run,
            failed.Count == 0 && run.StoppedAsking is null ? RunStatus.Ok : RunStatus.Failed,
            run.StoppedAsking is { } stopped
                ? $"{stopped} {symbols.Count - run.Symbols.Select(s => s.Symbol).Distinct().Count()} of {symbols.Count} symbols were not asked; {failed.Count} failed: {string.Join(", ", failed)}."
                : failed.Count == 0
                ? $"{run.Symbols.Count} series up to date; {run.WrittenSummary()}."
                : $"{failed.Count} of {symbols.Count} symbols failed: {string.Join(", ", failed)}.",
            tokenValid: true);
    }

    private async Task IngestSeriesAsync(RunState run, string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset until, FyersCredentials credentials, CandleBatch batch, GapBook gaps, CancellationToken cancellationToken)
    {
        var last = resolution.IsIntraday ? until - resolution.BarLength!.Value : until;
        if (from > last)
        {
            run.Symbols.Add(new SymbolReport(symbol, resolution.Code, true, 0, 0, 0, 0, null));
            return;
        }

        try
        {
            var received = new List<CandleRow>();
            var rejected = new List<QuarantinedBar>();
            var expected = 0;
            foreach (var chunk in HistoryRequest.ForRange(symbol, resolution, from, until).Split())
            {
                var fetched = await data.GetHistoryChunkAsync(chunk, credentials, cancellationToken);
                var inspected = check.Inspect(run, symbol, resolution, fetched, chunk.From, chunk.To);
                received.AddRange(inspected.Rows);
                rejected.AddRange(inspected.Rejected);
                expected += inspected.Expected;
            }

            batch.Rows.AddRange(received);
            batch.Rejected.AddRange(rejected);

            // The cursor never passes a day the answer lacked: the next run asks from there again.
            var (checkedDays, lacking) = check.FindGaps(symbol, resolution, received, from, until);
            var open = gaps.Settle(symbol, resolution.Code, checkedDays, lacking);
            run.GapsOpen += open.Count;
            // ... nor a minute it lacked: it stops before the first missing bar (issue 19).
            var firstMissing = open.Count > 0 ? open.Min(g => g.FirstMissing).ToUnixTimeSeconds() : long.MaxValue;
            var kept = received.Where(r => r.TsUtc < firstMissing).ToList();
            if (kept.Count > 0)
            {
                batch.Advance(symbol, resolution.Code, kept.Max(r => r.TsUtc));
            }

            var empty = received.Count == 0 && expected > 0;
            run.Symbols.Add(new SymbolReport(
                symbol,
                resolution.Code,
                !empty && open.Count == 0,
                received.Count,
                expected,
                received.Count,
                rejected.Count,
                empty ? $"FYERS returned no {resolution} bars for {symbol} between {MarketTime.Format(from)} and {MarketTime.Format(until)}, although the market was open. Treated as an error, not as 'no data'."
                : open.Count > 0 ? gaps.Describe(symbol, resolution.Code, open)
                : null));
        }
        catch (FyersApiException e) when (e.Kind != FyersErrorKind.TokenInvalid)
        {
            Log.SymbolFailed(logger, symbol, resolution.Code, e.Kind, e.FyersCode);
            run.Symbols.Add(new SymbolReport(symbol, resolution.Code, false, 0, 0, 0, 0, e.Message));
            run.NoteFailure(e, options.Value.StopAfterFailures);
            return;
        }

        run.NoteSuccess();
    }

    /// <summary>The bar after the series' cursor; with nothing stored, the session open the configured number of trading days back.</summary>
    private DateTimeOffset StartFor(string symbol, Resolution resolution, Dictionary<string, long> cursors, DateTimeOffset until)
    {
        if (cursors.TryGetValue(CandleLake.CursorKey(symbol, resolution.Code), out var last))
        {
            return DateTimeOffset.FromUnixTimeSeconds(last) + (resolution.BarLength ?? TimeSpan.FromDays(1));
        }

        var session = calendar.LatestSessionStartedBy(until);
        for (var i = 1; i < options.Value.FirstRunLookbackDays && session is not null; i++)
        {
            session = calendar.LatestSessionStartedBy(session.Open.AddSeconds(-1));
        }

        return session?.Open ?? until;
    }

    /// <summary>How far the stalest watchlist series is behind: now minus the end of its last stored bar.</summary>
    private async Task<double?> DataLagAsync(IReadOnlyList<string> symbols, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resolution = options.Value.ParsedResolutions[0];
        var bar = resolution.BarLength ?? TimeSpan.Zero;
        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var ends = symbols.Select(s => cursors.TryGetValue(CandleLake.CursorKey(s, resolution.Code), out var ts) ? DateTimeOffset.FromUnixTimeSeconds(ts) + bar : (DateTimeOffset?)null).ToList();
        return ends.Count == 0 || ends.Any(e => e is null) ? null : Math.Max(0, (now - ends.Min()!.Value).TotalSeconds);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "{Symbol} {Resolution} failed: {Kind} (code {Code})")]
        public static partial void SymbolFailed(ILogger logger, string symbol, string resolution, FyersErrorKind kind, int? code);
    }
}
