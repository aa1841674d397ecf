using PriceFeed.Coverage;
using System.Text.Json;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;
using PriceFeed.Status;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Status;

/// <summary>Issue 13: one truth for runs, told the same way by the page, /api/status and `pricefeed status`.</summary>
public sealed class FeedHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 11, 0, 0, TimeSpan.FromMinutes(330));

    private static TokenStatus Valid(DateTimeOffset issued) =>
        new(TokenState.Valid, "Tokens stored.", "XS***01", null, issued, new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.FromMinutes(330)), "06:00 IST on Sat 28 Nov 2026", null, null);

    private static RunSummary Run(Job job, RunStatus status, DateTimeOffset finished, bool tokenValid = true) =>
        new(job, status, status == RunStatus.Ok ? "All series stored." : "No FYERS token is stored. Log in with FYERS.", finished.AddSeconds(-5), finished, 2, 2, 750, 750, 4, 0, null, 0, tokenValid);

    [Fact]
    public void AFailureForWantOfAToken_BeforeTodaysLogin_IsHistory_NotAnAlarm()
    {
        var startUp = Run(Job.Eod, RunStatus.Failed, Now.AddHours(-2), tokenValid: false);
        var feed = FeedHealth.Assess([startUp], Valid(Now.AddHours(-1)), Now);

        var line = Assert.Single(feed.Lines);
        Assert.Equal("history", line.Tone);
        Assert.Equal("eod: failed 2 h ago, before today's login; the next run catches up.", line.Text);
        Assert.Equal("Feed ready until 06:00 IST tomorrow", feed.Headline);
    }

    [Fact]
    public void AFailureAfterTheLogin_OrForAnotherReason_StaysRed_WithItsAgeAndWhy()
    {
        var afterLogin = Run(Job.Intraday, RunStatus.Failed, Now.AddMinutes(-12), tokenValid: false);
        var otherCause = Run(Job.Eod, RunStatus.Failed, Now.AddHours(-3)) with { Message = "NSE:XYZ-EQ failed: -300 invalid symbol." };

        var feed = FeedHealth.Assess([otherCause, afterLogin], Valid(Now.AddHours(-1)), Now);

        Assert.Equal(["eod", "intraday"], feed.Lines.Select(l => l.Job));
        Assert.All(feed.Lines, l => Assert.Equal("bad", l.Tone));
        Assert.StartsWith("eod: failed 3 h ago · 2/2 series ok", feed.Lines[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("· NSE:XYZ-EQ failed: -300 invalid symbol.", feed.Lines[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("intraday: failed 12 min ago", feed.Lines[1].Text, StringComparison.Ordinal);
    }

    /// <summary>Issue 20: before the first login the runs waiting for it are the page's first step, not a warning; once a token expired they are.</summary>
    [Fact]
    public void WithoutAToken_ThereIsNoHeadline_TheRunsWaitForTheFirstLogin_AndWarnOnceItExpired()
    {
        var missing = new TokenStatus(TokenState.Missing, "No FYERS token is stored yet.", null, null, null, null, null, null, null);
        var expired = new TokenStatus(TokenState.Expired, "The FYERS token expired.", "XS***01", null, Now.AddDays(-1), Now.AddHours(-5), "06:00 IST on Fri 27 Nov 2026", null, null);
        RunSummary[] runs = [Run(Job.TokenCheck, RunStatus.LoginNeeded, Now.AddMinutes(-30), tokenValid: false), Run(Job.Eod, RunStatus.Failed, Now.AddMinutes(-20), tokenValid: false)];

        var before = FeedHealth.Assess(runs, missing, Now, Session(true, 0));
        var after = FeedHealth.Assess(runs, expired, Now, Session(true, 0));

        Assert.Null(before.Headline);
        Assert.All(before.Lines, l => Assert.Equal("pending", l.Tone));
        Assert.Equal("Today so far: 0 bars of 2 symbols · the feed starts with the first login", before.Lines[0].Text);
        Assert.All(after.Lines, l => Assert.Equal("warn", l.Tone));
    }

    /// <summary>Issue 20: right after a login the stalled morning is what the next intraday run fetches, not an alarm; once a run followed, a stall is amber again.</summary>
    [Fact]
    public void RightAfterALogin_TheEmptyMorning_IsCaughtUpByTheNextRun_NotAWarning()
    {
        var token = Valid(Now.AddMinutes(-2));
        var beforeLogin = Run(Job.Intraday, RunStatus.LoginNeeded, Now.AddMinutes(-4), tokenValid: false);
        var afterLogin = Run(Job.Intraday, RunStatus.Failed, Now.AddMinutes(-1)) with { Message = "FYERS answered 503." };

        var fresh = FeedHealth.Assess([beforeLogin], token, Now, Session(true, 0));
        var later = FeedHealth.Assess([afterLogin], token, Now, Session(true, 0));

        Assert.Equal(("pending", "Today so far: 0 bars of 2 symbols · the token is new: the next intraday run fetches everything since 09:15 IST"), (fresh.Lines[0].Tone, fresh.Lines[0].Text));
        Assert.Equal("history", fresh.Lines[1].Tone);
        Assert.Equal("warn", later.Lines[0].Tone);
    }

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(59, "just now")]
    [InlineData(60, "1 min ago")]
    [InlineData(3599, "59 min ago")]
    [InlineData(3600, "1 h ago")]
    [InlineData(47 * 3600, "47 h ago")]
    [InlineData(3 * 86400, "3 days ago")]
    public void Ages_ReadAsAPersonWouldSayThem(int secondsAgo, string expected) =>
        Assert.Equal(expected, FeedHealth.Age(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void Until_NamesTodayTomorrowOrTheDate_InIndiaTime()
    {
        var sixAm = new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.FromMinutes(330));
        Assert.Equal("06:00 IST tomorrow", FeedHealth.Until(sixAm, Now));
        // 23:00 IST on the 27th is 17:30 UTC: still "tomorrow" in India, whatever the host's zone.
        Assert.Equal("06:00 IST tomorrow", FeedHealth.Until(sixAm, new DateTimeOffset(2026, 11, 27, 17, 30, 0, TimeSpan.Zero)));
        Assert.Equal("06:00 IST today", FeedHealth.Until(sixAm, new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.FromMinutes(330))));
        Assert.Equal("06:00 IST on Mon 30 Nov 2026", FeedHealth.Until(sixAm.AddDays(2), Now));
    }

    /// <summary>A run made by the CLI in another process is on the page and in `pricefeed status`: runs live beside the lake.</summary>
    [Fact]
    public async Task ARunTheCliMade_IsOnThePage_AndInPricefeedStatus()
    {
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        // One watchlist for the app and the CLI process (which has no settings of its own): the file in the data folder.
        await File.WriteAllTextAsync(Path.Combine(app.DataDirectory, WatchlistSource.FileName), "NSE:SBIN-EQ\nNSE:NIFTY50-INDEX\n", TestContext.Current.CancellationToken);

        var (ingestExit, ingestOutput) = await CliProcess.RunAsync(app, "ingest", "eod");
        using var owner = await app.NewBrowser().AsOwnerAsync();
        var status = await owner.StatusAsync();
        var (statusExit, statusOutput) = await CliProcess.RunOnStoreAsync(app, "status");

        Assert.True(ingestExit == 0, ingestOutput);
        var run = Assert.Single(status.GetProperty("runs").EnumerateArray());
        Assert.Equal(("eod", "ok"), (run.GetProperty("job").GetString(), run.GetProperty("status").GetString()));
        var lines = status.GetProperty("feed").GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["coverage", "eod"], lines.Select(l => l.GetProperty("job").GetString()));
        Assert.All(lines, l => Assert.Equal("ok", l.GetProperty("tone").GetString()));
        // Friday 08:30 IST: the latest session is Thursday's, which the end-of-day run stored whole.
        Assert.Matches(@"^Thu 26 Nov: all \d+ symbols complete · ([\d,]+) of \1 bars$", lines[0].GetProperty("text").GetString());
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "_state", "runs", "eod.json")));

        Assert.True(statusExit == 0, statusOutput);
        Assert.Contains("Feed ready until 06:00 IST tomorrow", statusOutput, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("text").GetString()!, statusOutput, StringComparison.Ordinal));
    }

    private static SessionCoverage Session(bool running, long bars, DateTimeOffset? latestBarEnd = null, params ShortSymbol[] shortOnes)
    {
        var open = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));
        return new SessionCoverage(new DateOnly(2026, 11, 27), open, open.AddHours(6.25), running, 2, running ? 0 : 2 - shortOnes.Length, bars, 735, latestBarEnd, shortOnes);
    }

    /// <summary>Issue 13: today's coverage on the feed card: how far the bars reach while the session runs, and whether it stalled.</summary>
    [Fact]
    public void Coverage_WhileTheSessionRuns_SaysHowFarTheBarsReach_AndWarnsWhenTheyStall()
    {
        var fresh = FeedHealth.CoverageLine(Session(true, 210, Now.AddMinutes(-4)), null, Now);
        var stalled = FeedHealth.CoverageLine(Session(true, 150, Now.AddMinutes(-40)), null, Now);
        var nothing = FeedHealth.CoverageLine(Session(true, 0), null, Now);

        Assert.Equal(("ok", "Today so far: 210 bars of 2 symbols, up to 10:56 IST"), (fresh.Tone, fresh.Text));
        Assert.Equal(("warn", "Today so far: 150 bars of 2 symbols, up to 10:20 IST · nothing newer for 40 min: see the runs below"), (stalled.Tone, stalled.Text));
        Assert.Equal(("warn", "Today so far: 0 bars of 2 symbols · nothing newer for 105 min: see the runs below"), (nothing.Tone, nothing.Text));
    }

    /// <summary>A closed session: complete, or short and named; red only once an end-of-day run with final bars has tried.</summary>
    [Fact]
    public void Coverage_OfAClosedSession_NamesShortSymbols_RedOnlyAfterTheEndOfDayRunTried()
    {
        var evening = new DateTimeOffset(2026, 11, 27, 15, 50, 0, TimeSpan.FromMinutes(330));
        var night = new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.FromMinutes(330));
        var shortOne = new ShortSymbol("NSE:TCS-EQ", 300, 360);
        var eodDone = Run(Job.Eod, RunStatus.Failed, new DateTimeOffset(2026, 11, 27, 16, 5, 0, TimeSpan.FromMinutes(330)));

        var complete = FeedHealth.CoverageLine(Session(false, 735), eodDone, night);
        var pending = FeedHealth.CoverageLine(Session(false, 675, null, shortOne), null, evening);
        var tried = FeedHealth.CoverageLine(Session(false, 675, null, shortOne), eodDone, night);
        var nextMorning = FeedHealth.CoverageLine(Session(false, 735), eodDone, night.AddHours(12));
        var beforeLogin = FeedHealth.CoverageLine(Session(false, 675, null, shortOne), Run(Job.Eod, RunStatus.Failed, night.AddMinutes(-30), tokenValid: false), night);
        var unreadable = FeedHealth.CoverageLine(Session(false, 0) with { Problem = "candles/resolution=1/date=2026-11-27/part-000.parquet cannot be read as Parquet." }, null, night);

        Assert.Equal(("ok", "Today: all 2 symbols complete · 735 of 735 bars"), (complete.Tone, complete.Text));
        Assert.Equal(("pending", "Today: 1 of 2 symbols complete · 675 of 735 bars · short: NSE:TCS-EQ (300 of 360) · the end-of-day run completes the day after 16:00 IST"), (pending.Tone, pending.Text));
        Assert.Equal("bad", tried.Tone);
        Assert.EndsWith("short: NSE:TCS-EQ (300 of 360) · the next end-of-day run asks FYERS again; pricefeed verify lists every gap", tried.Text, StringComparison.Ordinal);
        Assert.StartsWith("Fri 27 Nov: all 2 symbols complete", nextMorning.Text, StringComparison.Ordinal);
        Assert.Equal("pending", beforeLogin.Tone); // an end-of-day run without a token did not try
        Assert.EndsWith("· the next run fetches what is missing", beforeLogin.Text, StringComparison.Ordinal);
        Assert.Equal("bad", unreadable.Tone);
        Assert.Contains("cannot be read as Parquet", unreadable.Text, StringComparison.Ordinal);
    }

    /// <summary>Before a login: `pricefeed status` says what to do and exits 1; the public page never gets the runs.</summary>
    [Fact]
    public async Task BeforeTheLogin_StatusSaysLogIn_AndThePublicSeesNoRuns()
    {
        await using var app = await TestApp.StartAsync();
        var (ingestExit, _) = await CliProcess.RunAsync(app, "ingest", "eod");
        var (statusExit, statusOutput) = await CliProcess.RunOnStoreAsync(app, "status");
        using var stranger = app.NewBrowser();
        var status = await stranger.StatusAsync();

        Assert.Equal(1, ingestExit);
        Assert.Equal(1, statusExit);
        Assert.Contains("Token: missing.", statusOutput, StringComparison.Ordinal);
        Assert.Contains("Log in: 'pricefeed login'", statusOutput, StringComparison.Ordinal);
        Assert.Empty(status.GetProperty("runs").EnumerateArray());
        Assert.Empty(status.GetProperty("feed").GetProperty("lines").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("feed").GetProperty("headline").ValueKind);
    }
}
