using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Http;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

/// <summary>
/// The price-feed jobs. Each call is one idempotent pass: it reads the current token from the store,
/// refuses to call FYERS without a usable one, fetches from each symbol's cursor (so a late login
/// catches up everything missed), stores only complete, sanitized bars, and reports per symbol.
/// </summary>
internal sealed partial class IngestionRunner(
    TokenVault vault,
    FyersDataClient data,
    CandleLake lake,
    MarketCalendar calendar,
    IOptions<IngestionOptions> options,
    IOptions<FyersOptions> fyers,
    FyersRateLimiter limiter,
    TimeProvider time,
    EmfMetrics metrics,
    RunHistory history,
    WatchlistSource watchlist,
    HolidaySource holidays,
    ILogger<IngestionRunner> logger)
{
    public static readonly string[] Jobs = ["intraday", "eod", "quotes", "token-check"];

    /// <summary>After the close, the closing auction runs to 15:35 and daily bars settle: EOD waits half an hour.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Backfill rows held before a merge: one buffer of about 18 MB, allocated once. It is flushed
    /// before it would have to grow, because growing a List copies it into one twice the size, and
    /// both copies live at once (that alone was 56 MB of the backfill's peak).
    /// </summary>
    private const int BackfillBufferRows = 250_000;

    public async Task<RunReport> RunAsync(string job, CancellationToken cancellationToken)
    {
        await holidays.RefreshAsync(cancellationToken);
        return await RunJobAsync(job, cancellationToken);
    }

    private Task<RunReport> RunJobAsync(string job, CancellationToken cancellationToken) => job switch
    {
        "intraday" => RunIntradayAsync(cancellationToken),
        "eod" or "end-of-day" => RunEndOfDayAsync(null, cancellationToken),
        "quotes" => RunQuotesAsync(cancellationToken),
        "token-check" => RunTokenCheckAsync(cancellationToken),
        _ => throw new ArgumentException($"Unknown job '{job}'. Jobs: {string.Join(", ", Jobs)}.", nameof(job)),
    };

    /// <summary>
    /// A job that must end by <paramref name="stopBy"/> (a Lambda invocation's deadline less a margin):
    /// cut there, it still reports, as failed, with its metrics line, instead of being killed mid-run.
    /// Stored bars and cursors stay as they were after the last completed write, so the next run
    /// continues from there.
    /// </summary>
    public async Task<RunReport> RunAsync(string job, CancellationToken stopBy, CancellationToken aborted)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopBy, aborted);
        try
        {
            return await RunAsync(job, both.Token);
        }
        catch (OperationCanceledException) when (stopBy.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return Finish(Begin(job), RunReport.Failed, $"The {job} run was stopped before the invocation deadline; what it stored is kept and the next run continues from there.", tokenValid: null);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            // What a run does not expect (the token store or the lake unreachable, a full disk) still
            // ends it as a failed run with its metrics line and summary, so the alarm fires and the
            // token page says why, instead of only a bare 500 in the function's log.
            Log.RunCrashed(logger, e, job);
            return Finish(Begin(job), RunReport.Failed, $"The {job} run failed: {e.Message}", tokenValid: null);
        }
    }

    /// <summary>During a session: the completed bars since each symbol's last stored bar.</summary>
    public async Task<RunReport> RunIntradayAsync(CancellationToken cancellationToken)
    {
        var run = Begin("intraday");
        var now = time.GetUtcNow();
        if (calendar.SessionAt(now) is null)
        {
            return Finish(run, RunReport.Skipped, ClosedMessage(now), tokenValid: null);
        }

        return await IngestAsync(run, now, refetchFrom: null, cancellationToken);
    }

    /// <summary>After the close: the whole day again (final candles replace intraday ones), plus the daily bar.</summary>
    public async Task<RunReport> RunEndOfDayAsync(DateOnly? date, CancellationToken cancellationToken)
    {
        var run = Begin("eod");
        var now = time.GetUtcNow();
        var session = date is { } d ? calendar.SessionOn(d) : calendar.LatestSessionStartedBy(now);
        if (session is null)
        {
            return Finish(run, RunReport.Skipped, $"{date:yyyy-MM-dd} is not a trading day ({calendar.HolidayName(date!.Value) ?? "weekend"}): nothing to do.", tokenValid: null);
        }

        if (session.Close + SettleTime > now)
        {
            return Finish(run, RunReport.Skipped, $"The {session.Date:yyyy-MM-dd} session's bars are final at {TokenStatus.FormatIst(session.Close + SettleTime)} (after the close and the closing auction); the end-of-day run waits for that.", tokenValid: null);
        }

        return await IngestAsync(run, session.Close, refetchFrom: session, cancellationToken, includeDaily: true);
    }

    public async Task<RunReport> RunTokenCheckAsync(CancellationToken cancellationToken)
    {
        var run = Begin("token-check");
        var today = MarketTime.IstDate(time.GetUtcNow());
        if (calendar.SessionOn(today) is null)
        {
            // The scheduled pre-open check: no reminder to log in on a day the feed does not run.
            return Finish(run, RunReport.Skipped, $"{today:yyyy-MM-dd} is not a trading day ({calendar.HolidayName(today) ?? "weekend"}): no token needed today.", tokenValid: null);
        }

        var (status, problem) = await vault.CheckAsync(cancellationToken);
        return problem is not null
            ? Finish(run, RunReport.Failed, $"FYERS could not be asked about the token: {problem}", tokenValid: null)
            : Finish(run, status.IsUsable ? RunReport.Ok : RunReport.Failed, status.IsUsable ? status.Message : $"{status.Message} Open the token page and log in with FYERS.", status.IsUsable);
    }

    /// <summary>A quotes snapshot of the watchlist (batches of 50), stored under quotes/date=.../HHmm.parquet.</summary>
    public async Task<RunReport> RunQuotesAsync(CancellationToken cancellationToken)
    {
        var run = Begin("quotes");
        var now = time.GetUtcNow();
        if (calendar.SessionAt(now) is null)
        {
            return Finish(run, RunReport.Skipped, ClosedMessage(now), tokenValid: null);
        }

        if (await UsableCredentialsAsync(run, cancellationToken) is not { } credentials)
        {
            return run.Report!;
        }

        try
        {
            if (await WatchlistAsync(run, cancellationToken) is not { } symbols)
            {
                return run.Report!;
            }

            if (await FyersMarketClosedAsync(run, credentials, cancellationToken) is { } closed)
            {
                return closed;
            }

            var result = await data.GetQuotesAsync(symbols, credentials, cancellationToken);
            var source = Source(result.IsSynthetic);
            var bytes = await QuoteParquet.WriteAsync(result, source, cancellationToken);
            var ist = MarketTime.ToIst(result.FetchedAt);
            await lake.Sink.WriteAsync(LakeKeys.Quotes(DateOnly.FromDateTime(ist.DateTime), ist.ToString("HHmm", CultureInfo.InvariantCulture)), bytes, cancellationToken);
            run.Symbols.AddRange(result.Quotes.Select(q => new SymbolReport(q.Symbol, "quote", true, 1, 1, 1, 0, null)));
            run.Symbols.AddRange(result.Errors.Select(e => new SymbolReport(e.Symbol, "quote", false, 0, 1, 0, 0, e.Message)));
            return Finish(run, result.Errors.Count == 0 ? RunReport.Ok : RunReport.Failed, $"{result.Quotes.Count} quotes stored; {result.Errors.Count} symbols refused.", tokenValid: true);
        }
        catch (FyersApiException e)
        {
            return await FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
        }
    }

    /// <summary>A resumable backfill: a ledger in the lake records finished chunks, so a killed run continues where it stopped.</summary>
    public async Task<RunReport> RunBackfillAsync(BackfillRequest request, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await holidays.RefreshAsync(cancellationToken);
        var run = Begin("backfill");
        if (await UsableCredentialsAsync(run, cancellationToken) is not { } credentials)
        {
            return run.Report!;
        }

        var ledgerKey = LakeKeys.BackfillLedger(request.LedgerId);
        var done = await lake.Sink.ReadAsync(ledgerKey, cancellationToken) is { } bytes
            ? new HashSet<string>(JsonSerializer.Deserialize(bytes, LakeJsonContext.Default.ListString) ?? [], StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
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

        // Rows are buffered across chunks and merged in batches: merging chunk by chunk would rewrite
        // each day's partition once per symbol. A chunk enters the ledger only once its rows are stored.
        var pendingRows = new List<CandleRow>(BackfillBufferRows);
        var pendingRejected = new List<QuarantinedBar>();
        var pendingLedger = new List<string>();
        async Task FlushAsync()
        {
            await StoreAsync(run, pendingRows, pendingRejected, new Dictionary<string, long>(), cancellationToken);
            if (pendingLedger.Count > 0)
            {
                done.UnionWith(pendingLedger);
                pendingLedger.Clear();
                await lake.Sink.WriteAsync(ledgerKey, JsonSerializer.SerializeToUtf8Bytes(done.Order(StringComparer.Ordinal).ToList(), LakeJsonContext.Default.ListString), cancellationToken);
            }
        }

        foreach (var chunk in todo)
        {
            if (request.MaxRequests is { } max && limiter.Granted - requestsAtStart >= max)
            {
                await FlushAsync();
                return Finish(run, RunReport.Partial, $"Stopped at the request budget ({max}); {todo.Count - finished} chunks left. Run the same command again to continue.", tokenValid: true);
            }

            progress?.Report(new BackfillProgress(finished, todo.Count, skipped, clock.Elapsed, Remaining(clock.Elapsed, finished, todo.Count), $"{chunk.Symbol} {chunk.FromDate:yyyy-MM-dd}..{chunk.ToDate:yyyy-MM-dd}"));
            try
            {
                var fetched = await data.GetHistoryChunkAsync(chunk, credentials, cancellationToken);
                var (report, rows, rejected, _) = Check(run, chunk.Symbol, chunk.Resolution, fetched, chunk.From, chunk.To);
                run.Symbols.Add(report with { BarsWritten = rows.Count });
                if (pendingRows.Count > 0 && pendingRows.Count + rows.Count > pendingRows.Capacity)
                {
                    await FlushAsync();
                }

                pendingRows.AddRange(rows);
                pendingRejected.AddRange(rejected);
                if (report.Ok)
                {
                    pendingLedger.Add(LedgerEntry(chunk));
                }
            }
            catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
            {
                await FlushAsync();
                return await FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
            }
            catch (FyersApiException e)
            {
                run.Symbols.Add(new SymbolReport(chunk.Symbol, chunk.Resolution.Code, false, 0, 0, 0, 0, e.Message));
            }

            finished++;
        }

        await FlushAsync();
        progress?.Report(new BackfillProgress(finished, todo.Count, skipped, clock.Elapsed, TimeSpan.Zero, "done"));
        var failed = run.Symbols.Count(s => !s.Ok);
        return Finish(
            run,
            failed == 0 ? RunReport.Ok : RunReport.Failed,
            failed == 0
                ? $"Backfill complete: {chunks.Count} chunks ({skipped} already done earlier), {run.Symbols.Sum(s => s.BarsWritten)} bars written."
                : $"{failed} chunks failed (they stay unfinished in the ledger; run the same command again to retry them).",
            tokenValid: true);
    }

    private async Task<RunReport> IngestAsync(RunState run, DateTimeOffset until, TradingSession? refetchFrom, CancellationToken cancellationToken, bool includeDaily = false)
    {
        if (await UsableCredentialsAsync(run, cancellationToken) is not { } credentials)
        {
            return run.Report!;
        }

        if (await WatchlistAsync(run, cancellationToken) is not { } symbols)
        {
            return run.Report!;
        }

        if (refetchFrom is null && await FyersMarketClosedAsync(run, credentials, cancellationToken) is { } closed)
        {
            return closed;
        }

        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var rows = new List<CandleRow>();
        var rejected = new List<QuarantinedBar>();
        var advanced = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var symbol in symbols)
            {
                foreach (var code in options.Value.ResolutionCodes)
                {
                    var resolution = Resolution.Parse(code);
                    var from = StartFor(symbol, resolution, cursors, until);
                    if (refetchFrom is not null && refetchFrom.Open < from)
                    {
                        from = refetchFrom.Open;
                    }

                    await IngestSymbolAsync(run, symbol, resolution, from, until, credentials, rows, rejected, advanced, cancellationToken);
                }

                if (includeDaily && refetchFrom is not null)
                {
                    await IngestSymbolAsync(run, symbol, Resolution.Daily, MarketTime.At(refetchFrom.Date, TimeOnly.MinValue), MarketTime.At(refetchFrom.Date, new TimeOnly(23, 59, 59)), credentials, rows, rejected, advanced, cancellationToken);
                }
            }
        }
        catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
        {
            // Keep what was fetched and checked before the token died; cursors say exactly where to resume.
            await StoreAsync(run, rows, rejected, advanced, cancellationToken);
            return await FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
        }
        catch (OperationCanceledException) when (rows.Count > 0 || rejected.Count > 0)
        {
            // Stopped at a deadline: store what was fetched (the write itself is not cancelled, and it is
            // atomic), so a run that is always cut short still makes progress.
            await StoreAsync(run, rows, rejected, advanced, CancellationToken.None);
            throw;
        }

        await StoreAsync(run, rows, rejected, advanced, cancellationToken);
        run.DataLagSeconds = await DataLagAsync(symbols, until, cancellationToken);
        var failed = run.Symbols.Where(s => !s.Ok).Select(s => s.Symbol).Distinct().ToList();
        return Finish(
            run,
            failed.Count == 0 ? RunReport.Ok : RunReport.Failed,
            failed.Count == 0
                ? $"{run.Symbols.Count} series up to date; {run.Symbols.Sum(s => s.BarsWritten)} bars written."
                : $"{failed.Count} of {symbols.Count} symbols failed: {string.Join(", ", failed)}.",
            tokenValid: true);
    }

    private async Task IngestSymbolAsync(RunState run, string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset until, FyersCredentials credentials, List<CandleRow> rows, List<QuarantinedBar> rejected, Dictionary<string, long> advanced, CancellationToken cancellationToken)
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
            var symbolRejected = new List<QuarantinedBar>();
            var expected = 0;
            foreach (var chunk in HistoryRequest.ForRange(symbol, resolution, from, until).Split())
            {
                var fetched = await data.GetHistoryChunkAsync(chunk, credentials, cancellationToken);
                var (_, chunkRows, chunkRejected, chunkExpected) = Check(run, symbol, resolution, fetched, chunk.From, chunk.To);
                received.AddRange(chunkRows);
                symbolRejected.AddRange(chunkRejected);
                expected += chunkExpected;
            }

            rows.AddRange(received);
            rejected.AddRange(symbolRejected);
            if (received.Count > 0)
            {
                var key = CandleLake.CursorKey(symbol, resolution.Code);
                advanced[key] = Math.Max(advanced.GetValueOrDefault(key), received.Max(r => r.TsUtc));
            }

            var empty = received.Count == 0 && expected > 0;
            run.Symbols.Add(new SymbolReport(
                symbol,
                resolution.Code,
                !empty,
                received.Count,
                expected,
                received.Count,
                symbolRejected.Count,
                empty ? $"FYERS returned no {resolution} bars for {symbol} between {TokenStatus.FormatIst(from)} and {TokenStatus.FormatIst(until)}, although the market was open. Treated as an error, not as 'no data'." : null));
        }
        catch (FyersApiException e) when (e.Kind != FyersErrorKind.TokenInvalid)
        {
            Log.SymbolFailed(logger, symbol, resolution.Code, e.Kind, e.FyersCode);
            run.Symbols.Add(new SymbolReport(symbol, resolution.Code, false, 0, 0, 0, 0, e.Message));
        }
    }

    /// <summary>Sanitizes a fetched chunk, keeps only complete bars, and counts the bars the session says should be there.</summary>
    private (SymbolReport Report, List<CandleRow> Rows, List<QuarantinedBar> Rejected, int Expected) Check(RunState run, string symbol, Resolution resolution, HistoryChunk chunk, DateTimeOffset from, DateTimeOffset to)
    {
        var sanitized = CandleSanitizer.Sanitize(symbol, resolution, chunk.CompleteCandles, Source(chunk.IsSynthetic), calendar);
        foreach (var (reason, count) in sanitized.Reasons)
        {
            run.Reasons[reason] = run.Reasons.GetValueOrDefault(reason) + count;
        }

        var expected = ExpectedBars(symbol, resolution, from, to < chunk.FetchedAt ? to : chunk.FetchedAt);
        var empty = sanitized.Accepted.Count == 0 && expected > 0;
        var report = new SymbolReport(symbol, resolution.Code, !empty, sanitized.Accepted.Count, expected, chunk.Candles.Count, sanitized.Rejected.Count,
            empty ? $"FYERS returned no {resolution} bars for {symbol} between {TokenStatus.FormatIst(from)} and {TokenStatus.FormatIst(to)}, although the market was open." : null);
        return (report, sanitized.Accepted, sanitized.Rejected, expected);
    }

    private int ExpectedBars(string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset until)
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

    private DateTimeOffset StartFor(string symbol, Resolution resolution, Dictionary<string, long> cursors, DateTimeOffset until)
    {
        if (cursors.TryGetValue(CandleLake.CursorKey(symbol, resolution.Code), out var last))
        {
            return DateTimeOffset.FromUnixTimeSeconds(last) + (resolution.BarLength ?? TimeSpan.FromDays(1));
        }

        // Nothing stored yet: start at the session open the configured number of trading days back.
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
        var code = options.Value.ResolutionCodes.FirstOrDefault() ?? "1";
        var bar = Resolution.Parse(code).BarLength ?? TimeSpan.Zero;
        var cursors = await lake.ReadCursorsAsync(cancellationToken);
        var ends = symbols.Select(s => cursors.TryGetValue(CandleLake.CursorKey(s, code), out var ts) ? DateTimeOffset.FromUnixTimeSeconds(ts) + bar : (DateTimeOffset?)null).ToList();
        return ends.Count == 0 || ends.Any(e => e is null) ? null : Math.Max(0, (now - ends.Min()!.Value).TotalSeconds);
    }

    private async Task StoreAsync(RunState run, List<CandleRow> rows, List<QuarantinedBar> rejected, Dictionary<string, long> advanced, CancellationToken cancellationToken)
    {
        if (rows.Count > 0)
        {
            var merged = await lake.MergeAsync(rows, cancellationToken);
            run.BarsWritten += merged.Written;
        }

        if (rejected.Count > 0)
        {
            await lake.QuarantineAsync(rejected, cancellationToken);
        }

        await lake.AdvanceCursorsAsync(advanced, cancellationToken);
        rows.Clear();
        rejected.Clear();
        advanced.Clear();
    }

    /// <summary>
    /// The calendar says a session is running; FYERS is asked too (its marketStatus for the NSE
    /// capital market, normal session). Anything but OPEN there (an unscheduled closure, a halt, a
    /// calendar that is wrong) skips the run: fail closed. When FYERS cannot be asked, the calendar
    /// decides and the data calls report their own errors.
    /// </summary>
    private async Task<RunReport?> FyersMarketClosedAsync(RunState run, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        const int Nse = 10;
        const int CapitalMarket = 10;
        IReadOnlyList<MarketStatusEntry> status;
        try
        {
            status = await data.GetMarketStatusAsync(credentials, cancellationToken);
        }
        catch (FyersApiException e) when (e.Kind == FyersErrorKind.TokenInvalid)
        {
            return await FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
        }
        catch (FyersApiException e)
        {
            Log.MarketStatusUnavailable(logger, e.Message);
            return null;
        }

        var segment = status.FirstOrDefault(s => s is { Exchange: Nse, Segment: CapitalMarket } && s.MarketType == "NORMAL");
        return segment is null || segment.Status == "OPEN"
            ? null
            : Finish(run, RunReport.Skipped, $"The NSE calendar has a session now, but FYERS reports the NSE capital market as {segment.Status}: nothing fetched. The next run asks again.", tokenValid: true);
    }

    /// <summary>The run's watchlist; null (and a failed run that says what to fix) when it cannot be read.</summary>
    private async Task<IReadOnlyList<string>?> WatchlistAsync(RunState run, CancellationToken cancellationToken)
    {
        try
        {
            return await watchlist.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or Amazon.Runtime.AmazonServiceException)
        {
            Finish(run, RunReport.Failed, e.Message, tokenValid: null);
            return null;
        }
    }

    private async Task<FyersCredentials?> UsableCredentialsAsync(RunState run, CancellationToken cancellationToken)
    {
        var snapshot = await vault.ReadAsync(cancellationToken);
        var status = TokenStatus.From(snapshot, time.GetUtcNow(), calendar);
        if (!status.IsUsable || snapshot.Credentials is not { } credentials)
        {
            Finish(run, RunReport.Failed, $"No usable FYERS token ({status.State}): open the token page and log in with FYERS. Nothing was fetched; the next run after the login catches up.", tokenValid: false);
            return null;
        }

        return credentials;
    }

    private async Task<RunReport> FailOnFyersErrorAsync(RunState run, FyersApiException e, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        if (e.Kind == FyersErrorKind.TokenInvalid)
        {
            await vault.RecordRejectionAsync(credentials.AccessToken, cancellationToken);
            return Finish(run, RunReport.Failed, $"FYERS rejected the token during the run ({run.Symbols.Count} series done). Open the token page and log in again; the next run fills the gap from where this one stopped.", tokenValid: false);
        }

        return Finish(run, RunReport.Failed, e.Message, tokenValid: true);
    }

    private string ClosedMessage(DateTimeOffset now)
    {
        var date = MarketTime.IstDate(now);
        var why = calendar.HolidayName(date) is { } holiday ? $"holiday: {holiday}" : calendar.IsTradingDay(date) ? "outside the session" : "weekend";
        var next = calendar.NextSessionAfter(now);
        return $"The market is closed ({why}); nothing to do. Next session opens {(next is null ? "(unknown)" : TokenStatus.FormatIst(next.Open))}.";
    }

    private string Source(bool synthetic) => synthetic || fyers.Value.UseSandbox ? "sandbox" : "fyers";

    private static TimeSpan? Remaining(TimeSpan elapsed, int done, int total) =>
        done == 0 ? null : elapsed / done * (total - done);

    private static string LedgerEntry(HistoryRequest chunk) =>
        $"{chunk.Symbol}|{chunk.Resolution.Code}|{chunk.FromDate:yyyy-MM-dd}|{chunk.ToDate:yyyy-MM-dd}";

    private RunState Begin(string job) => new(job, time.GetUtcNow(), limiter.Granted, limiter.RateLimitedResponses);

    private RunReport Finish(RunState run, string status, string message, bool? tokenValid)
    {
        var finished = time.GetUtcNow();
        var lag = run.DataLagSeconds;
        var report = new RunReport(
            run.Job,
            status,
            message,
            run.StartedAt,
            finished,
            tokenValid ?? true,
            [.. run.Symbols],
            limiter.Granted - run.RequestsAtStart,
            limiter.RateLimitedResponses - run.RateLimitedAtStart,
            run.BarsWritten,
            run.Symbols.Sum(s => s.BarsExpected),
            run.Symbols.Sum(s => s.BarsRejected),
            lag,
            new Dictionary<string, int>(run.Reasons),
            holidays.Coverage(finished).Warning);
        run.Report = report;
        metrics.Write(report);
        history.Record(report);
        if (report.IsFailure)
        {
            Log.RunFailed(logger, report.Job, report.Message);
        }
        else
        {
            Log.RunFinished(logger, report.Job, report.Status, report.Message);
        }

        return report;
    }

    private sealed class RunState(string job, DateTimeOffset startedAt, long requestsAtStart, long rateLimitedAtStart)
    {
        public string Job { get; } = job;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public long RequestsAtStart { get; } = requestsAtStart;

        public long RateLimitedAtStart { get; } = rateLimitedAtStart;

        public List<SymbolReport> Symbols { get; } = [];

        public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

        public int BarsWritten { get; set; }

        public double? DataLagSeconds { get; set; }

        public RunReport? Report { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "{Symbol} {Resolution} failed: {Kind} (code {Code})")]
        public static partial void SymbolFailed(ILogger logger, string symbol, string resolution, FyersErrorKind kind, int? code);

        [LoggerMessage(21, LogLevel.Error, "Job {Job} failed: {Message}")]
        public static partial void RunFailed(ILogger logger, string job, string message);

        [LoggerMessage(24, LogLevel.Error, "Job {Job} failed unexpectedly")]
        public static partial void RunCrashed(ILogger logger, Exception exception, string job);

        [LoggerMessage(22, LogLevel.Information, "Job {Job} {Status}: {Message}")]
        public static partial void RunFinished(ILogger logger, string job, string status, string message);

        [LoggerMessage(23, LogLevel.Warning, "FYERS market status unavailable ({Error}); the NSE calendar decides.")]
        public static partial void MarketStatusUnavailable(ILogger logger, string error);
    }
}
