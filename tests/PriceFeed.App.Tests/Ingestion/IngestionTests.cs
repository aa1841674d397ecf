using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>The jobs against the app's own sandbox over real HTTP, with a local lake in a temp folder.</summary>
public sealed class IngestionTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, Ist);
    private static readonly DateOnly Friday = new(2026, 11, 27);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IngestionRunner Runner(TestApp app) => app.App.Services.GetRequiredService<IngestionRunner>();

    private static CandleLake Lake(TestApp app) => app.App.Services.GetRequiredService<CandleLake>();

    [Fact]
    public async Task Intraday_MidSession_StoresEveryCompletedMinuteSinceTheOpen()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Ok, report.Status);
        var rows = await Lake(app).ReadAsync("1", Friday, Ct);
        Assert.Equal(2 * 105, rows.Count);
        Assert.All(rows, r => Assert.Equal("sandbox", r.Source));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 59, 0, Ist), rows.Where(r => r.Symbol == "NSE:SBIN-EQ").Max(r => r.Start));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 15, 0, Ist), rows.Min(r => r.Start));
    }

    [Fact]
    public async Task Intraday_RunThreeTimes_NoDuplicates_AndLaterRunsAddOnlyNewBars()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();

        for (var i = 0; i < 3; i++)
        {
            await Runner(app).RunIntradayAsync(Ct);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var later = await Runner(app).RunIntradayAsync(Ct);

        var rows = await Lake(app).ReadAsync("1", Friday, Ct);
        Assert.Equal(2 * 110, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Symbol, r.TsUtc)).Distinct().Count());
        Assert.Equal(2 * 5, later.BarsWritten);
    }

    [Fact]
    public async Task EndOfDay_AfterIntraday_OverlapsWithoutDuplicatesAndHasTheWholeDayAndDailyBar()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        await Runner(app).RunIntradayAsync(Ct);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 16, 5, 0, Ist));

        var report = await Runner(app).RunEndOfDayAsync(null, Ct);

        Assert.Equal(RunStatus.Ok, report.Status);
        var rows = await Lake(app).ReadAsync("1", Friday, Ct);
        Assert.Equal(375 + 360, rows.Count); // the index to 15:29, the stock to 15:14 (closing auction, fyers-protocol.md §9)
        Assert.Equal(rows.Count, rows.Select(r => (r.Symbol, r.TsUtc)).Distinct().Count());
        Assert.Equal(2, (await Lake(app).ReadAsync("D", Friday, Ct)).Count);
        Assert.Contains(report.Symbols, s => s is { Symbol: "NSE:NIFTY50-INDEX", Resolution: "1", BarsExpected: 375, BarsReceived: 375 });
        Assert.Contains(report.Symbols, s => s is { Symbol: "NSE:SBIN-EQ", Resolution: "1", BarsExpected: 360, BarsReceived: 360 });
    }

    [Fact]
    public async Task Intraday_WithoutToken_EndsLoginNeededBeforeAnyDataCallAndSaysWhatToDo()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);

        var report = await Runner(app).RunIntradayAsync(Ct);

        // Waiting for a login is not a failure: no Lambda error, RunFailed 0 (issue 18), TokenValid 0.
        Assert.Equal(RunStatus.LoginNeeded, report.Status);
        Assert.False(report.IsFailure);
        Assert.Contains("\"RunFailed\":0", app.Emf.ToString(), StringComparison.Ordinal);
        Assert.False(report.TokenValid);
        Assert.Contains("open the token page", report.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.RequestsTo("data/history"));
        Assert.Contains("\"TokenValid\":0", app.Emf.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 19: FYERS down for every call: the run stops asking after three series in a row and says so once.</summary>
    [Fact]
    public async Task Intraday_FyersFailingEveryCall_StopsAskingAfterThreeSeries_AndSaysSoOnce()
    {
        var symbols = string.Join(',', Enumerable.Range(1, 8).Select(i => $"NSE:SYN{i:000}-EQ"));
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: symbols, extraSettings: "--Fyers:RetryBaseDelay=00:00:00.010");
        await app.LogInAsync();
        app.Sandbox.Faults.ServerErrorRate = 1.0;

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal(3, report.Symbols.Count);
        Assert.StartsWith("FYERS failed 3 in a row (", report.Message, StringComparison.Ordinal);
        Assert.Contains("5 of 8 symbols were not asked", report.Message, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(report.Message, "stopped asking"));
    }

    [Fact]
    public async Task Backfill_FyersFailingEveryCall_StopsAfterThreeChunks_AndTheSameCommandContinuesLater()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Fyers:RetryBaseDelay=00:00:00.010");
        await app.LogInAsync();
        app.Sandbox.Faults.ServerErrorRate = 1.0;
        var request = new BackfillRequest(new DateOnly(2025, 1, 1), new DateOnly(2026, 10, 31), ["NSE:SBIN-EQ", "NSE:TCS-EQ"], ["1"], null);

        var down = await Runner(app).RunBackfillAsync(request, null, Ct);
        app.Sandbox.Faults.ServerErrorRate = 0;
        var up = await Runner(app).RunBackfillAsync(request, null, Ct);

        Assert.Equal(RunStatus.Failed, down.Status);
        Assert.Equal(3, down.Symbols.Count);
        Assert.Contains("chunks were not asked; run the same command again to continue", down.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Ok, up.Status);
    }

    /// <summary>Issue 19: a run has a time limit of its own, so 30-second answers cannot keep it alive.</summary>
    [Fact]
    public async Task Run_SlowerThanItsTimeLimit_StopsAndSaysWhichLimit()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Ingestion:RunTimeout=00:00:01");
        await app.LogInAsync();
        app.Sandbox.Faults.Latency = TimeSpan.FromSeconds(3);

        var report = await Runner(app).RunAsync(Job.Intraday, CancellationToken.None, Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("reached its time limit (Ingestion:RunTimeout, 0:00:01)", report.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 20: the end-of-day refetch of a day the intraday runs stored says what it wrote, the same number the run record keeps.</summary>
    [Fact]
    public async Task EndOfDay_AfterIntraday_MessageAndRecordCountTheSameBars()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:NIFTY50-INDEX");
        await app.LogInAsync();
        await Runner(app).RunIntradayAsync(Ct);
        app.Clock.Advance(TimeSpan.FromHours(5.2));

        var eod = await Runner(app).RunEndOfDayAsync(null, Ct);
        var fetched = eod.Symbols.Sum(s => s.BarsWritten);

        Assert.Equal(RunStatus.Ok, eod.Status);
        Assert.True(eod.BarsWritten < fetched, $"{eod.BarsWritten} of {fetched}");
        Assert.Contains($"; {eod.BarsWritten} bars written ({fetched} fetched; {fetched - eod.BarsWritten} were stored already).", eod.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 19: an empty watchlist.txt is a mistake to name, not a silent switch to the built-in list.</summary>
    [Fact]
    public async Task Intraday_WithAnEmptyWatchlistFile_FailsNamingTheFile_BeforeAnyDataCall()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        var file = Path.Combine(app.DataDirectory, "watchlist.txt");
        await File.WriteAllTextAsync(file, "\n  \n", Ct);

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains($"The watchlist {file} is empty", report.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.RequestsTo("data/history"));
    }

    /// <summary>Issue 19: the run record's count is the message's count; a refetch of stored days writes 0 and says why.</summary>
    [Fact]
    public async Task Backfill_OverDaysAlreadyStored_RecordsAndSaysTheSameCount()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        var request = new BackfillRequest(new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 8), ["NSE:SBIN-EQ"], ["1"], null);
        var first = await Runner(app).RunBackfillAsync(request, null, Ct);
        foreach (var ledger in Directory.GetFiles(Path.Combine(app.LakeDirectory, "_state", "backfill")))
        {
            File.Delete(ledger);
        }

        var second = await Runner(app).RunBackfillAsync(request, null, Ct);

        Assert.Equal(5 * 375, first.BarsWritten);
        Assert.Contains($"{5 * 375} bars written.", first.Message, StringComparison.Ordinal);
        Assert.Equal(0, second.BarsWritten);
        Assert.Contains($"0 bars written ({5 * 375} fetched; {5 * 375} were stored already)", second.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: on a laptop, a login in the middle of the session fills the morning at once; the
    /// scheduler does not sleep on to its next 5-minute tick first.
    /// </summary>
    [Fact]
    public async Task LocalScheduler_ALoginMidSession_FetchesTheMorningAtOnce()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: ["--Ingestion:LocalScheduler=true", "--Live:Enabled=false"]);
        var history = app.App.Services.GetRequiredService<RunHistory>();
        // Real seconds: the scheduler's first pass and its wake-up run on the machine, not the test clock.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!history.Latest.Any(r => r.Job == Job.Intraday) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(RunStatus.LoginNeeded, Assert.Single(history.Latest, r => r.Job == Job.Intraday).Status);

        await app.LogInAsync();
        waited.Restart();
        while (history.Latest.Single(r => r.Job == Job.Intraday).Status != RunStatus.Ok && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, Ct);
        }

        // 09:15 to 10:59 for each symbol: the whole morning, long before the next tick at 11:05.
        Assert.Equal(RunStatus.Ok, history.Latest.Single(r => r.Job == Job.Intraday).Status);
        Assert.Equal(2 * 105, (await Lake(app).ReadAsync("1", Friday, Ct)).Count);
    }

    [Fact]
    public async Task TokenDiesMidRun_JobParks_AndTheRunAfterANewLoginFillsTheGapExactly()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ,NSE:TCS-EQ,NSE:INFY-EQ");
        await app.LogInAsync();
        await Runner(app).RunIntradayAsync(Ct);
        app.Clock.Advance(TimeSpan.FromMinutes(60));
        app.Sandbox.Faults.RevokeTokensAfter(1);

        var parked = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.LoginNeeded, parked.Status);
        Assert.False(parked.TokenValid);
        Assert.Contains("log in again", parked.Message, StringComparison.Ordinal);
        // Issue 20: the record counts the series the run meant to fetch, not only those it reached.
        var summary = RunSummary.From(parked);
        Assert.Equal(3, summary.SeriesTotal);
        Assert.True(summary.SeriesOk < summary.SeriesTotal, $"{summary.SeriesOk}/{summary.SeriesTotal}");
        using (var browser = app.NewBrowser())
        {
            Assert.Equal("rejected", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
        }

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await app.LogInAsync();
        var resumed = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Ok, resumed.Status);
        var rows = await Lake(app).ReadAsync("1", Friday, Ct);
        foreach (var symbol in new[] { "NSE:SBIN-EQ", "NSE:TCS-EQ", "NSE:INFY-EQ" })
        {
            var minutes = rows.Where(r => r.Symbol == symbol).Select(r => r.TsUtc).Order().ToList();
            Assert.Equal(195, minutes.Count); // 09:15 .. 12:29, nothing missing, nothing twice
            Assert.All(minutes.Zip(minutes.Skip(1)), pair => Assert.Equal(60, pair.Second - pair.First));
        }
    }

    [Theory]
    [InlineData("2026-11-28T11:00:00+05:30", "weekend")]
    [InlineData("2026-11-24T11:00:00+05:30", "holiday: Prakash Gurpurb")]
    [InlineData("2026-11-27T08:00:00+05:30", "outside the session")]
    public async Task Intraday_WhenClosed_DoesNothingAndSaysWhy(string when, string why)
    {
        await using var app = await TestApp.StartAsync(now: DateTimeOffset.Parse(when, System.Globalization.CultureInfo.InvariantCulture));
        await app.LogInAsync();

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Skipped, report.Status);
        Assert.Contains(why, report.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.RequestsTo("data/history"));
    }

    [Fact]
    public async Task EmptyHistory_OnATradingDay_IsAnErrorNotNoData()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        app.Sandbox.Faults.EmptyHistory = true;

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("NSE:SBIN-EQ", report.Message, StringComparison.Ordinal);
        Assert.Contains(report.FailedSymbols, s => s.Error!.Contains("returned no 1 bars", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backfill_KilledByItsBudget_ResumesWithoutRefetchingFinishedChunks()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        var request = new BackfillRequest(new DateOnly(2026, 5, 1), new DateOnly(2026, 10, 31), ["NSE:SBIN-EQ", "NSE:TCS-EQ"], ["1"], MaxRequests: 2);

        var first = await Runner(app).RunBackfillAsync(request, null, Ct);
        var afterFirst = app.Sandbox.RequestsTo("data/history");
        var second = await Runner(app).RunBackfillAsync(request with { MaxRequests = null }, null, Ct);

        Assert.Equal(RunStatus.Partial, first.Status);
        Assert.Equal(2, afterFirst);
        Assert.Equal(RunStatus.Ok, second.Status);
        Assert.Equal(4, app.Sandbox.RequestsTo("data/history")); // 184 days = 2 chunks per symbol, 4 in all, each fetched once
        Assert.Contains("2 already done earlier", second.Message, StringComparison.Ordinal);
        // Window by window: the first run did May-Aug of both symbols, the second Aug-Oct of both.
        var secondWindowDays = PriceFeed.Calendar.MarketCalendar.Load(new()).Sessions(new DateOnly(2026, 8, 9), new DateOnly(2026, 10, 31)).Count();
        // All of the second window lies in the closing-auction era: two stocks with 360 bars a day.
        Assert.Contains($"{2 * 360 * secondWindowDays} bars written", second.Message, StringComparison.Ordinal);
        var oneDay = await Lake(app).ReadAsync("1", new DateOnly(2026, 7, 15), Ct);
        Assert.Equal(2 * 375, oneDay.Count);
    }

    [Fact]
    public async Task Status_ShowsTheLastRunOfEachJob()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        await Runner(app).RunIntradayAsync(Ct);
        using var browser = await app.NewBrowser().AsOwnerAsync();

        var run = Assert.Single((await browser.StatusAsync()).GetProperty("runs").EnumerateArray());

        Assert.Equal("intraday", run.GetProperty("job").GetString());
        Assert.Equal("ok", run.GetProperty("status").GetString());
        Assert.Equal(210, run.GetProperty("barsWritten").GetInt32());
    }

    [Fact]
    public async Task Metrics_AreOneEmfLinePerRun()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();

        await Runner(app).RunIntradayAsync(Ct);

        var line = Assert.Single(app.Emf.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("PriceFeed", root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        Assert.Equal("intraday", root.GetProperty("Job").GetString());
        Assert.Equal(2, root.GetProperty("SymbolsOk").GetInt32());
        Assert.Equal(210, root.GetProperty("BarsWritten").GetInt32());
        Assert.Equal(210, root.GetProperty("BarsExpected").GetInt32());
        Assert.True(root.GetProperty("DataLagSeconds").GetDouble() < 120);
        foreach (var metric in root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray())
        {
            Assert.True(root.TryGetProperty(metric.GetProperty("Name").GetString()!, out _));
        }
    }

    [Fact]
    public async Task TokenCheck_OnAHoliday_IsSkippedAndLeavesTheTokenMetricOut_SoNoAlarmFires()
    {
        // 2026-11-24 (Tuesday) is Guru Nanak Jayanti in the NSE list: the token died at 06:00 and nobody logged in.
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 24, 8, 45, 0, Ist));

        var report = await Runner(app).RunTokenCheckAsync(Ct);
        var closed = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal((RunStatus.Skipped, RunStatus.Skipped), (report.Status, closed.Status));
        Assert.Contains("not a trading day", report.Message, StringComparison.Ordinal);
        var lines = app.Emf.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain("TokenValid", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenCheck_OnATradingDayWithoutLogin_ReportsTheTokenInvalid()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 8, 45, 0, Ist));

        var report = await Runner(app).RunTokenCheckAsync(Ct);

        // A reminder, not a crash (issue 12): no RunFailed, so no "ingestion failed" mail and no retry;
        // TokenValid=0 raises the token alarm, whose mail holds the page's address.
        Assert.Equal(RunStatus.LoginNeeded, report.Status);
        Assert.False(report.IsFailure);
        Assert.Contains("\"TokenValid\":0", app.Emf.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"RunFailed\":0", app.Emf.ToString(), StringComparison.Ordinal);
        Assert.Contains("log in", report.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Metrics_NotDetailed_DeclareOnlyTheAlarmMetrics_ButKeepEveryNumberInTheLine()
    {
        using var output = new StringWriter();
        var report = new RunReport(Job.Intraday, RunStatus.Ok, "ok", FridayEleven, FridayEleven.AddSeconds(2), true, [], 30, 1, 210, 210, 0, 45, new Dictionary<string, int>());

        var line = new EmfMetrics(output, TimeProvider.System, detailed: false).Write(report);

        using var doc = System.Text.Json.JsonDocument.Parse(line);
        var declared = doc.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(EmfMetrics.Core, declared);
        Assert.Equal(30, doc.RootElement.GetProperty("Requests").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("RateLimited").GetInt32());
    }

    [Fact]
    public async Task Intraday_WatchlistFromSsm_ChangesWithoutADeploy_AndABadOneFailsBeforeAnyCall()
    {
        const string name = "/stock-pipeline/config/watchlist";
        await using var fake = await SsmFake.StartAsync();
        fake.Parameters[name] = new SsmFake.Parameter(name, "NSE:TCS-EQ", "String", null, 1);
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: ["--Tokens:Store=ssm", $"--Tokens:SsmServiceUrl={fake.Url}", $"--Ingestion:WatchlistParameter={name}"]);
        await app.LogInAsync();

        var first = await Runner(app).RunIntradayAsync(Ct);
        fake.Parameters[name] = new SsmFake.Parameter(name, "nse:tcs, NSE:SBIN-EQ", "String", null, 2);
        app.Clock.Advance(TimeSpan.FromMinutes(2)); // past the one-minute cache
        var calls = app.Sandbox.RequestsTo("data/history");
        var bad = await Runner(app).RunIntradayAsync(Ct);

        Assert.True(first.Status == RunStatus.Ok, first.Message);
        Assert.Equal(["NSE:TCS-EQ"], first.Symbols.Select(s => s.Symbol).Distinct());
        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.Contains("'nse:tcs'", bad.Message, StringComparison.Ordinal);
        Assert.Equal(calls, app.Sandbox.RequestsTo("data/history"));
        Assert.Equal(105, (await Lake(app).ReadAsync("1", Friday, Ct)).Count); // what was stored stays

        fake.Parameters[name] = new SsmFake.Parameter(name, "default", "String", null, 3);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var fallback = await Runner(app).RunIntradayAsync(Ct);
        Assert.Equal(["NSE:NIFTY50-INDEX", "NSE:SBIN-EQ"], fallback.Symbols.Select(s => s.Symbol).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Intraday_CalendarOpenButFyersSaysClosed_FailsClosedAndFetchesNothing()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        app.Sandbox.Faults.MarketStatusOverride = "CLOSED"; // an unscheduled closure the calendar cannot know

        var report = await Runner(app).RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Skipped, report.Status);
        Assert.Contains("FYERS reports the NSE capital market as CLOSED", report.Message, StringComparison.Ordinal);
        Assert.Equal(1, app.Sandbox.RequestsTo("data/marketStatus"));
        Assert.Equal(0, app.Sandbox.RequestsTo("data/history"));

        app.Sandbox.Faults.MarketStatusOverride = null;
        Assert.Equal(RunStatus.Ok, (await Runner(app).RunIntradayAsync(Ct)).Status);
    }
}
