using System.Globalization;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Status;

/// <summary>One job's latest run as a person reads it: a tone for the page's colour and one sentence.</summary>
/// <param name="Tone">ok, bad (needs doing something), warn (log in), or history (a failure a later login superseded).</param>
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
    public static FeedView Assess(IReadOnlyList<RunSummary> runs, TokenStatus token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(token);
        var headline = token.IsUsable && token.ExpiresAt is { } expires ? $"Feed ready until {Until(expires, now)}" : null;
        return new FeedView(headline, [.. runs.OrderBy(r => r.Job, StringComparer.Ordinal).Select(r => Line(r, token, now))]);
    }

    public static FeedLine Line(RunSummary run, TokenStatus token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(token);
        var age = Age(run.FinishedAt, now);
        var superseded = run.Status is RunReport.Failed or RunReport.LoginNeeded
            && !run.TokenValid && token.IsUsable && token.IssuedAt is { } issued && issued > run.FinishedAt;
        var counts = run.SeriesTotal > 0 ? $" · {run.SeriesOk}/{run.SeriesTotal} series ok · {run.BarsWritten.ToString("N0", CultureInfo.InvariantCulture)} bars stored" : string.Empty;
        var gaps = run.GapsOpen > 0 ? $" · {run.GapsOpen} missing trading day{(run.GapsOpen == 1 ? string.Empty : "s")} asked again next run" : string.Empty;
        if (superseded)
        {
            return new FeedLine(run.Job, run.Status, "history", $"{run.Job}: {run.Status} {age}, before today's login; the next run catches up.", run.FinishedAt);
        }

        // Failed for want of a token while there still is none: the login the page asks for is the fix.
        var tone = run.Status switch
        {
            RunReport.Ok or RunReport.Skipped or RunReport.Partial => "ok",
            RunReport.LoginNeeded => "warn",
            _ when !run.TokenValid && !token.IsUsable => "warn",
            _ => "bad",
        };
        var message = tone == "ok" && run.Status == RunReport.Ok ? string.Empty : $" · {run.Message}";
        return new FeedLine(run.Job, run.Status, tone, $"{run.Job}: {run.Status} {age}{counts}{gaps}{message}", run.FinishedAt);
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
