using PriceFeed.Calendar;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

/// <summary>
/// The checks before a run asks FYERS for data: the lake to itself, a usable token, a watchlist that
/// parses, and FYERS agreeing that the market is open. A check that fails finishes the run with a message saying what
/// to do, and returns null; the job then returns <see cref="RunState.Report"/>.
/// </summary>
internal sealed partial class RunGuards(TokenVault vault, WatchlistSource watchlist, SymbolDirectory directory, FyersDataClient data, MarketCalendar calendar, LakeWriter writer, RunRecorder recorder, TimeProvider time, ILogger<RunGuards> logger)
{
    /// <summary>The lake's writer lock for this run; null (and a failed run naming the holder) when another run kept it.</summary>
    public async Task<IAsyncDisposable?> LakeAsync(RunState run, CancellationToken cancellationToken)
    {
        try
        {
            return await writer.AcquireAsync(run.Job.Text(), cancellationToken);
        }
        catch (LakeBusyException e)
        {
            recorder.Finish(run, RunStatus.Failed, e.Message, tokenValid: null);
            return null;
        }
    }

    public async Task<FyersCredentials?> UsableCredentialsAsync(RunState run, CancellationToken cancellationToken)
    {
        var snapshot = await vault.ReadForJobsAsync(cancellationToken);
        var status = TokenStatus.From(snapshot, time.GetUtcNow(), calendar);
        if (!status.IsUsable || snapshot.Credentials is not { } credentials)
        {
            // Waiting for a person is not a failure (issue 18): HTTP 200, no Lambda error, RunFailed 0,
            // TokenValid 0. The token alarm mails once; ingestion-failed and the heartbeat stay quiet.
            recorder.Finish(run, RunStatus.LoginNeeded, $"No usable FYERS token ({status.State.Text()}): open the token page and log in with FYERS. Nothing was fetched; the next run after the login catches up.", tokenValid: false);
            return null;
        }

        return credentials;
    }

    /// <summary>
    /// The symbols a run may send to FYERS: the given ones (a backfill's --symbols), or else the
    /// watchlist, less those FYERS' symbol master does not list. Null (and a failed run that says
    /// what to fix) when the watchlist cannot be read.
    /// </summary>
    public async Task<IReadOnlyList<string>?> WatchlistAsync(RunState run, CancellationToken cancellationToken, IReadOnlyList<string>? given = null)
    {
        try
        {
            var fromWatchlist = given is not { Count: > 0 };
            var symbols = fromWatchlist ? await watchlist.GetAsync(cancellationToken) : given!;
            // Checked against FYERS' symbol master first: an unknown symbol is named in the run and
            // never sent to FYERS (where each would cost requests and a -300, every run).
            var unknown = await directory.UnknownAsync(symbols, cancellationToken);
            foreach (var symbol in unknown)
            {
                var fix = fromWatchlist
                    ? $"Check the spelling with 'pricefeed watchlist add NAME', or remove it: pricefeed watchlist remove {symbol}"
                    : "Check the spelling with 'pricefeed watchlist add NAME' (it looks names up).";
                run.Symbols.Add(new SymbolReport(symbol, "-", false, 0, 0, 0, 0, $"not in FYERS' symbol master ({SymbolDirectory.SegmentOf(symbol)}), so it was not asked for. {fix}"));
            }

            return unknown.Count == 0 ? symbols : [.. symbols.Except(unknown, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or Amazon.Runtime.AmazonServiceException)
        {
            recorder.Finish(run, RunStatus.Failed, e.Message, tokenValid: null);
            return null;
        }
    }

    /// <summary>
    /// The calendar says a session is running; FYERS is asked too (its marketStatus for the NSE
    /// capital market, normal session). Anything but OPEN there (an unscheduled closure, a halt, a
    /// calendar that is wrong) skips the run: fail closed. When FYERS cannot be asked, the calendar
    /// decides and the data calls report their own errors. Returns the finished report when skipped.
    /// </summary>
    public async Task<RunReport?> FyersMarketClosedAsync(RunState run, FyersCredentials credentials, CancellationToken cancellationToken)
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
            : recorder.Finish(run, RunStatus.Skipped, $"The NSE calendar has a session now, but FYERS reports the NSE capital market as {segment.Status}: nothing fetched. The next run asks again.", tokenValid: true);
    }

    /// <summary>Ends a run on a FYERS error; a refused token is remembered so the page says "rejected" at once.</summary>
    public async Task<RunReport> FailOnFyersErrorAsync(RunState run, FyersApiException e, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(credentials);
        if (e.Kind == FyersErrorKind.TokenInvalid)
        {
            await vault.RecordRejectionAsync(credentials.AccessToken, cancellationToken);
            return recorder.Finish(run, RunStatus.LoginNeeded, $"FYERS rejected the token during the run ({run.Symbols.Count} series done). Open the token page and log in again; the next run fills the gap from where this one stopped.", tokenValid: false);
        }

        return recorder.Finish(run, RunStatus.Failed, e.Message, tokenValid: true);
    }

    /// <summary>Why nothing runs now, and when the next session opens.</summary>
    public string ClosedMessage(DateTimeOffset now)
    {
        var date = MarketTime.IstDate(now);
        var why = calendar.HolidayName(date) is { } holiday ? $"holiday: {holiday}" : calendar.IsTradingDay(date) ? "outside the session" : "weekend";
        var next = calendar.NextSessionAfter(now);
        return $"The market is closed ({why}); nothing to do. Next session opens {(next is null ? "(unknown)" : MarketTime.Format(next.Open))}.";
    }

    private static partial class Log
    {
        [LoggerMessage(23, LogLevel.Warning, "FYERS market status unavailable ({Error}); the NSE calendar decides.")]
        public static partial void MarketStatusUnavailable(ILogger logger, string error);
    }
}
