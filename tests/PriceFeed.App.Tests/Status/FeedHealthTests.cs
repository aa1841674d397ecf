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
        new(TokenStatus.Valid, "Tokens stored.", "XS***01", null, issued, new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.FromMinutes(330)), "06:00 IST on Sat 28 Nov 2026", null, null);

    private static RunSummary Run(string job, string status, DateTimeOffset finished, bool tokenValid = true) =>
        new(job, status, status == RunReport.Ok ? "All series stored." : "No FYERS token is stored. Log in with FYERS.", finished.AddSeconds(-5), finished, 2, 2, 750, 750, 4, 0, null, 0, tokenValid);

    [Fact]
    public void AFailureForWantOfAToken_BeforeTodaysLogin_IsHistory_NotAnAlarm()
    {
        var startUp = Run("eod", RunReport.Failed, Now.AddHours(-2), tokenValid: false);
        var feed = FeedHealth.Assess([startUp], Valid(Now.AddHours(-1)), Now);

        var line = Assert.Single(feed.Lines);
        Assert.Equal("history", line.Tone);
        Assert.Equal("eod: failed 2 h ago, before today's login; the next run catches up.", line.Text);
        Assert.Equal("Feed ready until 06:00 IST tomorrow", feed.Headline);
    }

    [Fact]
    public void AFailureAfterTheLogin_OrForAnotherReason_StaysRed_WithItsAgeAndWhy()
    {
        var afterLogin = Run("intraday", RunReport.Failed, Now.AddMinutes(-12), tokenValid: false);
        var otherCause = Run("eod", RunReport.Failed, Now.AddHours(-3)) with { Message = "NSE:XYZ-EQ failed: -300 invalid symbol." };

        var feed = FeedHealth.Assess([otherCause, afterLogin], Valid(Now.AddHours(-1)), Now);

        Assert.Equal(["eod", "intraday"], feed.Lines.Select(l => l.Job));
        Assert.All(feed.Lines, l => Assert.Equal("bad", l.Tone));
        Assert.StartsWith("eod: failed 3 h ago · 2/2 series ok", feed.Lines[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("· NSE:XYZ-EQ failed: -300 invalid symbol.", feed.Lines[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("intraday: failed 12 min ago", feed.Lines[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAToken_ThereIsNoHeadline_AndALoginReminderIsAWarning()
    {
        var missing = new TokenStatus(TokenStatus.Missing, "No FYERS token is stored yet.", null, null, null, null, null, null, null);
        var feed = FeedHealth.Assess([Run("token-check", RunReport.LoginNeeded, Now.AddMinutes(-30), tokenValid: false), Run("eod", RunReport.Failed, Now.AddMinutes(-20), tokenValid: false)], missing, Now);

        Assert.Null(feed.Headline);
        Assert.All(feed.Lines, l => Assert.Equal("warn", l.Tone));
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

        var (ingestExit, ingestOutput) = await CliProcess.RunAsync(app, "ingest", "eod");
        using var owner = await app.NewBrowser().AsOwnerAsync();
        var status = await owner.StatusAsync();
        var (statusExit, statusOutput) = await CliProcess.RunOnStoreAsync(app, "status");

        Assert.True(ingestExit == 0, ingestOutput);
        var run = Assert.Single(status.GetProperty("runs").EnumerateArray());
        Assert.Equal(("eod", "ok"), (run.GetProperty("job").GetString(), run.GetProperty("status").GetString()));
        var line = Assert.Single(status.GetProperty("feed").GetProperty("lines").EnumerateArray());
        Assert.Equal("ok", line.GetProperty("tone").GetString());
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "_state", "runs", "eod.json")));

        Assert.True(statusExit == 0, statusOutput);
        Assert.Contains("Feed ready until 06:00 IST tomorrow", statusOutput, StringComparison.Ordinal);
        Assert.Contains(line.GetProperty("text").GetString()!, statusOutput, StringComparison.Ordinal);
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
