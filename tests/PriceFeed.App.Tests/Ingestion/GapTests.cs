using PriceFeed.Coverage;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>Never mark a gap done: a trading day missing from FYERS' answer is reported, kept open and filled later.</summary>
public sealed class GapTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, Ist);
    private static readonly BackfillRequest MayWeek = new(new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 8), ["NSE:SBIN-EQ"], ["1"], null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Backfill_AnswerLacksADay_IsNotMarkedDone_AndTheNextRunFillsIt()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        app.Sandbox.Faults.MissingDays = [new DateOnly(2026, 5, 6)];

        var first = await Runner(app).RunBackfillAsync(MayWeek, null, Ct);
        var gapsAfterFirst = await Gaps(app).ReadAsync(Ct);
        using var browser = await app.NewBrowser().AsOwnerAsync();
        var statusAfterFirst = await browser.StatusAsync();
        app.Sandbox.Faults.MissingDays = [];
        var second = await Runner(app).RunBackfillAsync(MayWeek, null, Ct);

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains("2026-05-06 (missing)", first.Symbols.Single().Error, StringComparison.Ordinal);
        Assert.Equal(1, first.GapsOpen);
        Assert.Contains("\"GapsOpen\":1", app.Emf.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, statusAfterFirst.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("job").GetString() == "backfill").GetProperty("gapsOpen").GetInt32());

        var entry = gapsAfterFirst["NSE:SBIN-EQ|1|2026-05-06"];
        Assert.Equal(("missing", 1, false), (entry.Reason, entry.Attempts, entry.GivenUp));
        Assert.Equal([new DateOnly(2026, 11, 27)], entry.Days);
        Assert.Equal(RunStatus.Ok, second.Status);
        Assert.Contains("(0 already done earlier)", second.Message, StringComparison.Ordinal); // the chunk was not marked done
        Assert.Equal(375, (await Lake(app).ReadAsync("1", new DateOnly(2026, 5, 6), Ct)).Count);
        Assert.Empty(await Gaps(app).ReadAsync(Ct));
    }

    /// <summary>Issue 19: three reruns within seconds over a day FYERS lacks do not give it up, and verify never says whole.</summary>
    [Fact]
    public async Task Backfill_FastRerunsOverAMissingDay_NeverGiveItUp_AndVerifySaysNotWhole()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ");
        await app.LogInAsync();
        app.Sandbox.Faults.MissingDays = [new DateOnly(2026, 5, 6)];

        var reports = new List<RunReport>();
        for (var i = 0; i < 4; i++)
        {
            reports.Add(await Runner(app).RunBackfillAsync(MayWeek, null, Ct));
        }

        var gap = (await Gaps(app).ReadAsync(Ct))["NSE:SBIN-EQ|1|2026-05-06"];
        var check = await app.App.Services.GetRequiredService<LakeVerifier>().CheckAsync(Ct);

        Assert.All(reports, r => Assert.Equal(RunStatus.Failed, r.Status));
        Assert.Contains("Asked on 1 of 3 days", reports[3].Symbols.Single().Error, StringComparison.Ordinal);
        Assert.False(gap.GivenUp);
        Assert.Equal(4, gap.Attempts);
        Assert.Equal([new DateOnly(2026, 11, 27)], gap.Days);
        Assert.False(check.IsWhole);
        Assert.Equal("NSE:SBIN-EQ 2026-05-06", Assert.Single(check.Gaps, g => g.Date == new DateOnly(2026, 5, 6)) is var g ? $"{g.Symbol} {g.Date:yyyy-MM-dd}" : null);
    }

    /// <summary>
    /// Issue 19: a day FYERS lacks on three different days is given up: no longer asked by runs, but
    /// listed by verify as given up (not whole), and verify --repair asks for it again.
    /// </summary>
    [Fact]
    public async Task Backfill_DayFyersLacksOnThreeDifferentDays_IsGivenUp_VisibleInVerify_AndRepairAsksAgain()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ");
        app.Sandbox.Faults.MissingDays = [new DateOnly(2026, 5, 6)];
        var reports = new List<RunReport>();
        // Four mornings after the week: verify then judges 4-8 May and the mornings' own days before them.
        var monday = new DateTimeOffset(2026, 5, 11, 8, 0, 0, Ist);
        foreach (var day in new[] { monday, monday.AddDays(1), monday.AddDays(2), monday.AddDays(3) })
        {
            app.Clock.SetUtcNow(day);
            await app.LogInAsync(); // the token of the day before died at 06:00
            reports.Add(await Runner(app).RunBackfillAsync(MayWeek, null, Ct));
        }

        var gap = (await Gaps(app).ReadAsync(Ct))["NSE:SBIN-EQ|1|2026-05-06"];
        var verifier = app.App.Services.GetRequiredService<LakeVerifier>();
        var found = await verifier.CheckAsync(Ct);
        // Shown apart from complete and missing: the /data grid and the page's feed card.
        using var browser = await app.NewBrowser().AsOwnerAsync();
        var grid = await browser.GetJsonAsync("api/data/coverage");
        var column = grid.GetProperty("days").EnumerateArray().Select((d, i) => (d.GetProperty("date").GetString(), i)).Single(d => d.Item1 == "2026-05-06").i;
        var cell = grid.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("symbol").GetString() == "NSE:SBIN-EQ").GetProperty("cells")[column];
        var feed = (await browser.StatusAsync()).GetProperty("feed").GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()).ToList();
        var asked = app.Sandbox.RequestsTo("data/history");
        app.Sandbox.Faults.MissingDays = [];
        var repaired = await verifier.RepairAsync(found, request => Runner(app).RunBackfillAsync(request, null, Ct), Ct);

        Assert.Equal([RunStatus.Failed, RunStatus.Failed, RunStatus.Ok, RunStatus.Ok], reports.Select(r => r.Status));
        Assert.Contains("1 already done earlier", reports[3].Message, StringComparison.Ordinal);
        Assert.Equal(3, asked); // given up: the fourth run does not ask
        Assert.True(gap.GivenUp);
        Assert.Equal(3, gap.Days.Count);
        Assert.False(found.IsWhole);
        Assert.DoesNotContain(found.Gaps, g => g.Date == new DateOnly(2026, 5, 6));
        Assert.StartsWith("given up (missing; FYERS lacked it on 3 days", Assert.Single(found.GivenUp).Reason, StringComparison.Ordinal);
        Assert.Equal("given-up", cell.GetProperty("state").GetString());
        Assert.Contains(feed, l => l!.StartsWith("1 symbol-day given up: FYERS lacked it on several days.", StringComparison.Ordinal));
        Assert.True(repaired.IsWhole);
        Assert.Equal(375, (await Lake(app).ReadAsync("1", new DateOnly(2026, 5, 6), Ct)).Count); // before the closing auction (3 Aug 2026)
    }

    /// <summary>The intraday catch-up over three days with the middle one missing: the cursor stops before the gap.</summary>
    [Fact]
    public async Task Intraday_CatchUpLacksADay_CursorStopsBeforeIt_AndTheNextRunFillsTheGapExactly()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ", extraSettings: "--Ingestion:FirstRunLookbackDays=3");
        await app.LogInAsync();
        app.Sandbox.Faults.MissingDays = [new DateOnly(2026, 11, 26)];

        var first = await Runner(app).RunIntradayAsync(Ct);
        var cursor = (await Lake(app).ReadCursorsAsync(Ct))["NSE:SBIN-EQ|1"];
        app.Sandbox.Faults.MissingDays = [];
        var second = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains("2026-11-26 (missing)", first.Symbols.Single().Error, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 14, 0, Ist), DateTimeOffset.FromUnixTimeSeconds(cursor)); // the last bar before the gap (a stock ends at 15:14)
        Assert.Equal(RunStatus.Ok, second.Status);
        Assert.Equal(360, (await Lake(app).ReadAsync("1", new DateOnly(2026, 11, 26), Ct)).Count);
        Assert.Equal(105, (await Lake(app).ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Count);
        Assert.Empty(await Gaps(app).ReadAsync(Ct));
    }

    /// <summary>
    /// Issue 19: an intraday answer missing 72 minutes mid-day is incomplete: the run fails naming the
    /// minutes, the cursor stops before the first missing bar, and the next run fills exactly the hole.
    /// </summary>
    [Fact]
    public async Task Intraday_AnswerLacksMinutesMidDay_CursorStopsBeforeTheHole_AndTheNextRunFillsIt()
    {
        var noon = new DateTimeOffset(2026, 11, 27, 12, 0, 30, Ist);
        await using var app = await TestApp.StartAsync(now: noon, symbols: "NSE:NIFTY50-INDEX");
        await app.LogInAsync();
        app.Sandbox.Faults.MissingWindows = [(new DateTimeOffset(2026, 11, 27, 10, 32, 0, Ist), new DateTimeOffset(2026, 11, 27, 11, 44, 0, Ist))];

        var first = await Runner(app).RunIntradayAsync(Ct);
        var cursor = (await Lake(app).ReadCursorsAsync(Ct))["NSE:NIFTY50-INDEX|1"];
        app.Sandbox.Faults.MissingWindows = [];
        var second = await Runner(app).RunIntradayAsync(Ct);
        var minutes = (await Lake(app).ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Select(r => r.TsUtc).Order().ToList();

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains("2026-11-27 (lacks 10:32-11:43 (72 of 375 bars))", first.Symbols.Single().Error, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 31, 0, Ist), DateTimeOffset.FromUnixTimeSeconds(cursor));
        Assert.Equal(RunStatus.Ok, second.Status);
        Assert.Equal(165, minutes.Count); // 09:15 .. 11:59, nothing missing, nothing twice
        Assert.All(minutes.Zip(minutes.Skip(1)), pair => Assert.Equal(60, pair.Second - pair.First));
        Assert.Empty(await Gaps(app).ReadAsync(Ct));
    }

    /// <summary>Issue 19: a day missing its first hour is found by the backfill, which leaves the chunk unfinished.</summary>
    [Fact]
    public async Task Backfill_AnswerLacksTheFirstHourOfADay_ChunkStaysUnfinished()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ");
        await app.LogInAsync();
        app.Sandbox.Faults.MissingWindows = [(new DateTimeOffset(2026, 5, 6, 9, 15, 0, Ist), new DateTimeOffset(2026, 5, 6, 10, 15, 0, Ist))];

        var first = await Runner(app).RunBackfillAsync(MayWeek, null, Ct);
        app.Sandbox.Faults.MissingWindows = [];
        var second = await Runner(app).RunBackfillAsync(MayWeek, null, Ct);

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains("2026-05-06 (lacks 09:15-10:14 (60 of 375 bars))", first.Symbols.Single().Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Ok, second.Status);
        Assert.Contains("(0 already done earlier)", second.Message, StringComparison.Ordinal);
        Assert.Equal(375, (await Lake(app).ReadAsync("1", new DateOnly(2026, 5, 6), Ct)).Count);
    }

    [Fact]
    public async Task EndOfDay_AnswerStopsHalfwayThroughTheSession_IsReportedAsTruncated()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 16, 5, 0, Ist), symbols: "NSE:NIFTY50-INDEX");
        await app.LogInAsync();
        app.Sandbox.Faults.TruncatedDays = [new DateOnly(2026, 11, 27)];

        var report = await Runner(app).RunEndOfDayAsync(null, Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("2026-11-27 (truncated)", report.Symbols.First(s => s.Resolution == "1").Error, StringComparison.Ordinal);
        var entry = (await Gaps(app).ReadAsync(Ct))["NSE:NIFTY50-INDEX|1|2026-11-27"];
        Assert.Equal((PriceFeed.Lake.GapKind.Truncated, "truncated"), (entry.Kind, entry.Reason));
    }

    /// <summary>Muhurat (Sunday 8 Nov 2026) is in the calendar, but FYERS lacks some special sessions: not a gap.</summary>
    [Fact]
    public async Task Backfill_OverASpecialSessionTheAnswerLacks_IsNotAGap()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();

        var report = await Runner(app).RunBackfillAsync(new BackfillRequest(new DateOnly(2026, 11, 6), new DateOnly(2026, 11, 10), ["NSE:SBIN-EQ"], ["1"], null), null, Ct);

        Assert.Equal(RunStatus.Ok, report.Status);
        Assert.NotNull(PriceFeed.Calendar.MarketCalendar.Load(new()).SessionOn(new DateOnly(2026, 11, 8)));
        Assert.Empty(await Gaps(app).ReadAsync(Ct));
    }

    private static IngestionRunner Runner(TestApp app) => app.App.Services.GetRequiredService<IngestionRunner>();

    private static CandleLake Lake(TestApp app) => app.App.Services.GetRequiredService<CandleLake>();

    private static GapLedger Gaps(TestApp app) => app.App.Services.GetRequiredService<GapLedger>();
}
