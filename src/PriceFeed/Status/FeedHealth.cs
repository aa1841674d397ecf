using PriceFeed.Coverage;
using System.Globalization;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Status;

/// <summary>One job's latest run as a person reads it: a tone for the page's colour and one sentence.</summary>
/// <param name="Tone">ok, bad (needs doing something), warn (log in), history (a failure a later login superseded), or pending (a day a coming run completes).</param>
public sealed record FeedLine(string Job, string Status, string Tone, string Text, DateTimeOffset FinishedAt);

/// <summary>The page's first words, and the runs under them.</summary>
/// <param name="Headline">"Feed ready until 06:00 IST tomorrow" when today's token works; null otherwise (the page then asks to log in).</param>
public sealed record FeedView(string? Headline, IReadOnlyList<FeedLine> Lines);

/// <summary>
/// Turns the token and the last run of each job into what the page, /api/status and
/// <c>pricefeed status</c> all say, so they never disagree. A run that failed for want of a token
/// before the token now stored was issued is history, not an alarm: the next run catches up
/// (issue 13: a stale start-up failure must not greet a good login).
/// </summary>
public static class FeedHealth
{
    /// <summary>Stale: the session is running and the newest bar is older than this (the intraday job runs every 5 minutes).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    public static FeedView Assess(IReadOnlyList<RunSummary> runs, TokenStatus token, DateTimeOffset now, SessionCoverage? coverage = null, Live.StreamSnapshot? live = null)
    {
        var view = AssessRuns(runs, token, now, coverage);
        return live is null || live.State == "stopped" ? view : view with { Lines = [.. view.Lines, StreamLine(live, token, now)] };
    }

    /// <summary>The live stream in one line (issue 21): live with its numbers, or what it waits for.</summary>
    public static FeedLine StreamLine(Live.StreamSnapshot live, TokenStatus token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(token);
        if (live.State is "live" or "connecting" or "reconnecting" && now - live.TakenAt > Live.StreamSnapshot.Stale)
        {
            // A running stream rewrites its file every second: this one's process went away without
            // saying it stopped (killed, crashed, the laptop slept).
            return new FeedLine("stream", "gone", "warn", $"stream: not running since {MarketTime.ToIst(live.TakenAt):HH:mm} IST (it was {live.State}); 'pricefeed serve' or 'pricefeed stream' runs it.", now);
        }

        if (live.State == "live")
        {
            var last = live.LastTickAt is { } at ? $" · last tick {(int)Math.Max(0, (now - at).TotalSeconds)} s ago" : " · no tick yet";
            var what = live.Replayed && live.SessionDate is { } day ? $"replaying {day.ToString("ddd d MMM", CultureInfo.InvariantCulture)} (synthetic)" : "live";
            return new FeedLine("stream", live.State, "ok", $"stream: {what} · {live.Symbols} symbols · {live.TicksInLastMinute.ToString("N0", CultureInfo.InvariantCulture)} ticks in the last minute{last} · {live.BarsWritten} live bars · {live.Reconnects} reconnects", now);
        }

        var tone = live.State == "login-needed" ? (token.State == TokenState.Missing ? "pending" : "warn") : "pending";
        return new FeedLine("stream", live.State, tone, $"stream: {live.State}{(live.Detail is { } d ? " · " + d : string.Empty)}", now);
    }

    private static FeedView AssessRuns(IReadOnlyList<RunSummary> runs, TokenStatus token, DateTimeOffset now, SessionCoverage? coverage)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(token);
        var headline = token.IsUsable && token.ExpiresAt is { } expires ? $"Feed ready until {Until(expires, now)}" : null;
        var lines = runs.OrderBy(r => r.Job.Text(), StringComparer.Ordinal).Select(r => Line(r, token, now));
        var eod = runs.FirstOrDefault(r => r.Job == Job.Eod);
        if (coverage is null)
        {
            return new FeedView(headline, [.. lines]);
        }

        // Given-up days are their own state, never folded into "complete" (issue 19).
        var givenUp = coverage.GivenUp > 0
            ? [new FeedLine("gaps", "given-up", "bad", $"{coverage.GivenUp} symbol-day{(coverage.GivenUp == 1 ? string.Empty : "s")} given up: FYERS lacked {(coverage.GivenUp == 1 ? "it" : "them")} on several days. 'pricefeed verify' lists them; 'pricefeed verify --repair' asks again.", now)]
            : Array.Empty<FeedLine>();
        var intraday = runs.FirstOrDefault(r => r.Job == Job.Intraday);
        return new FeedView(headline, [CoverageLine(coverage, eod, now, token, intraday), .. givenUp, .. lines]);
    }

    /// <summary>
    /// The latest session in one sentence: while it runs, how far the bars reach (a warning when
    /// nothing new came for 15 minutes); once closed, which symbols are complete. A short symbol is
    /// red only once an end-of-day run after the bars became final has tried; before that the
    /// end-of-day run is what completes the day. Nothing new is no warning before the first login
    /// (the feed starts with it) nor right after a login no intraday run has followed yet (the next
    /// one fetches the whole morning): the page's amber means "look", and there is nothing to look at.
    /// </summary>
    public static FeedLine CoverageLine(SessionCoverage coverage, RunSummary? eod, DateTimeOffset now, TokenStatus? token = null, RunSummary? intraday = null)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var day = MarketTime.IstDate(now) == coverage.Date ? "Today" : coverage.Date.ToString("ddd d MMM", CultureInfo.InvariantCulture);
        var n = coverage.Symbols;
        string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
        if (coverage.Problem is { } problem)
        {
            return new FeedLine("coverage", "unreadable", "bad", $"{day}: the lake could not be read · {problem}", now);
        }

        if (coverage.Running)
        {
            var reach = coverage.LatestBarEnd ?? coverage.Open;
            var upTo = coverage.LatestBarEnd is { } end ? $", up to {MarketTime.ToIst(end).ToString("HH:mm", CultureInfo.InvariantCulture)} IST" : string.Empty;
            var stale = now - reach > StaleAfter;
            var soFar = $"{day} so far: {Count(coverage.Bars)} bars of {n} symbol{(n == 1 ? string.Empty : "s")}{upTo}";
            if (stale && token?.State == TokenState.Missing)
            {
                return new FeedLine("coverage", "waiting", "pending", $"{soFar} · the feed starts with the first login", now);
            }

            if (stale && token is { IsUsable: true, IssuedAt: { } issued } && (intraday is null || intraday.FinishedAt < issued))
            {
                var since = MarketTime.ToIst(reach).ToString("HH:mm", CultureInfo.InvariantCulture);
                return new FeedLine("coverage", "catching-up", "pending", $"{soFar} · the token is new: the next intraday run fetches everything since {since} IST", now);
            }

            var text = soFar + (stale ? $" · nothing newer for {(int)(now - reach).TotalMinutes} min: see the runs below" : string.Empty);
            return new FeedLine("coverage", stale ? "stale" : "running", stale ? "warn" : "ok", text, now);
        }

        var bars = $"{Count(coverage.Bars)} of {Count(coverage.Expected)} bars";
        if (coverage.Short.Count == 0)
        {
            return new FeedLine("coverage", "complete", "ok", $"{day}: all {n} symbol{(n == 1 ? string.Empty : "s")} complete · {bars}", now);
        }

        var named = string.Join(", ", coverage.Short.Take(3).Select(s => $"{s.Symbol} ({s.Bars} of {s.Expected})"))
            + (coverage.Short.Count > 3 ? $" and {coverage.Short.Count - 3} more" : string.Empty);
        var final = coverage.Close + CandleJob.SettleTime;
        // Tried: an end-of-day run reached FYERS after the bars were final. One that failed for want
        // of a token did not try; the next run after the login catches up.
        var tried = eod is not null && eod.FinishedAt >= final && eod.TokenValid;
        var next = tried
            ? "the next end-of-day run asks FYERS again; pricefeed verify lists every gap"
            : now < final
                ? $"the end-of-day run completes the day after {MarketTime.ToIst(final).ToString("HH:mm", CultureInfo.InvariantCulture)} IST"
                : "the next run fetches what is missing";
        return new FeedLine("coverage", "short", tried ? "bad" : "pending", $"{day}: {coverage.Complete} of {n} symbols complete · {bars} · short: {named} · {next}", now);
    }

    public static FeedLine Line(RunSummary run, TokenStatus token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(token);
        var age = Age(run.FinishedAt, now);
        var superseded = run.Status is RunStatus.Failed or RunStatus.LoginNeeded
            && !run.TokenValid && token.IsUsable && token.IssuedAt is { } issued && issued > run.FinishedAt;
        var counts = run.SeriesTotal > 0 ? $" · {run.SeriesOk}/{run.SeriesTotal} series ok · {run.BarsWritten.ToString("N0", CultureInfo.InvariantCulture)} bars stored" : string.Empty;
        var gaps = run.GapsOpen > 0 ? $" · {run.GapsOpen} missing trading day{(run.GapsOpen == 1 ? string.Empty : "s")} asked again next run" : string.Empty;
        if (superseded)
        {
            return new FeedLine(run.Job.Text(), run.Status.Text(), "history", $"{run.Job.Text()}: {run.Status.Text()} {age}, before today's login; the next run catches up.", run.FinishedAt);
        }

        // Failed for want of a token while there still is none: the login the page asks for is the
        // fix. Before the first login ever that is the page's first step, not a warning.
        var waiting = token.State == TokenState.Missing ? "pending" : "warn";
        var tone = run.Status switch
        {
            RunStatus.Ok or RunStatus.Skipped or RunStatus.Partial => "ok",
            RunStatus.LoginNeeded => waiting,
            _ when !run.TokenValid && !token.IsUsable => waiting,
            _ => "bad",
        };
        var message = tone == "ok" && run.Status == RunStatus.Ok ? string.Empty : $" · {run.Message}";
        return new FeedLine(run.Job.Text(), run.Status.Text(), tone, $"{run.Job.Text()}: {run.Status.Text()} {age}{counts}{gaps}{message}", run.FinishedAt);
    }

    /// <summary>"06:00 IST tomorrow", "06:00 IST today", or the full date when further.</summary>
    public static string Until(DateTimeOffset expires, DateTimeOffset now)
    {
        var days = MarketTime.IstDate(expires).DayNumber - MarketTime.IstDate(now).DayNumber;
        var time = MarketTime.ToIst(expires).ToString("HH:mm", CultureInfo.InvariantCulture);
        return days switch
        {
            0 => $"{time} IST today",
            1 => $"{time} IST tomorrow",
            _ => MarketTime.Format(expires),
        };
    }

    /// <summary>"just now", "12 min ago", "3 h ago", "2 days ago".</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalMinutes switch
        {
            < 1 => "just now",
            < 60 => $"{(int)span.TotalMinutes} min ago",
            < 48 * 60 => $"{(int)span.TotalHours} h ago",
            _ => $"{(int)span.TotalDays} days ago",
        };
    }
}
