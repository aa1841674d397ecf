using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Cli;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Watchlist;

/// <summary>Issue 13: a watchlist by name, from FYERS' symbol master, checked before any run.</summary>
public sealed class WatchlistTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 0, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fields are read by name: added, reordered or differently typed ones change nothing.</summary>
    [Fact]
    public void SymbolMaster_ReadsTheJsonByFieldName_AndFindsBySymbolOrName()
    {
        const string json = """
            {
              "NSE:SBIN-EQ": {"fyToken":"10100000003045","symDetails":"STATE BANK OF INDIA","exInstType":0,"exSymbol":"SBIN","symTicker":"NSE:SBIN-EQ","newField":[1,2,{"x":null}]},
              "NSE:SBIN-BE": {"symTicker":"NSE:SBIN-BE","exSymbol":"SBIN","symDetails":"STATE BANK OF INDIA","exInstType":"0"},
              "NSE:RELIANCE-EQ": {"symDetails":"RELIANCE INDUSTRIES LTD","exSymbol":"RELIANCE","exInstType":0},
              "NSE:NIFTYBANK-INDEX": {"symTicker":"NSE:NIFTYBANK-INDEX","symDetails":"NIFTY BANK","exSymbol":"NIFTYBANK","exInstType":10},
              "NSE:ICICIBANK-EQ": {"symTicker":"NSE:ICICIBANK-EQ","symDetails":"ICICI BANK LTD","exSymbol":"ICICIBANK","exInstType":0}
            }
            """;
        var master = SymbolMaster.Parse(Encoding.UTF8.GetBytes(json), "NSE_CM");

        Assert.Equal(5, master.Count);
        Assert.Equal("NSE:RELIANCE-EQ", master.Get("NSE:RELIANCE-EQ")!.Ticker); // ticker from the key when symTicker is absent
        Assert.Equal(["NSE:SBIN-EQ", "NSE:SBIN-BE"], master.Find("sbin").Select(e => e.Ticker));
        Assert.Equal(["NSE:SBIN-EQ"], master.Find("nse:sbin-eq").Select(e => e.Ticker));
        Assert.Equal(["NSE:RELIANCE-EQ"], master.Find("Reliance").Select(e => e.Ticker));
        // Equities first, shorter names first; then indices; then other series.
        Assert.Equal(["NSE:ICICIBANK-EQ", "NSE:SBIN-EQ", "NSE:NIFTYBANK-INDEX", "NSE:SBIN-BE"], master.Find("bank").Select(e => e.Ticker));
        Assert.Equal(["NSE:NIFTYBANK-INDEX"], master.Find("nifty").Select(e => e.Ticker)); // a name that starts with the words
        Assert.Empty(master.Find("  "));
        Assert.Equal("NSE:SBIN-EQ", WatchlistCommand.Pick("SBIN", master.Find("SBIN"))!.Ticker);
        Assert.Null(WatchlistCommand.Pick("bank", master.Find("bank")));
        Assert.Throws<FormatException>(() => SymbolMaster.Parse("[1,2]"u8, "NSE_CM"));
        Assert.Throws<FormatException>(() => SymbolMaster.Parse("{\"NSE:X-EQ\": {"u8, "NSE_CM"));
    }

    /// <summary>
    /// A failed download is retried after a few minutes, not remembered for the day; a caller that
    /// goes away (a page reloaded mid-request) is no failure at all.
    /// </summary>
    [Fact]
    public async Task SymbolDirectory_RetriesAFailedDownload_AndIgnoresACallerThatLeft()
    {
        var folder = Directory.CreateTempSubdirectory("pf-symbols-");
        try
        {
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FridayEleven);
            var answers = new Queue<Func<CancellationToken, Task<HttpResponseMessage>>>();
            var handler = new Answering(answers);
            var services = new ServiceCollection();
            services.AddOptions<FyersOptions>();
            services.AddHttpClient<SymbolMasterClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
            await using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<SymbolMasterClient>();
            var directory = new SymbolDirectory(client, new PriceFeed.Home.DataFolder(folder.FullName), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<SymbolDirectory>.Instance);
            static Task<HttpResponseMessage> Master(CancellationToken _) => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent("""{"NSE:SBIN-EQ": {"symTicker":"NSE:SBIN-EQ","exSymbol":"SBIN","symDetails":"STATE BANK OF INDIA","exInstType":0}}"""),
            });

            // The caller leaves while the download runs: its cancellation goes up, nothing is remembered.
            using (var leaving = new CancellationTokenSource())
            {
                answers.Enqueue(async token =>
                {
                    await leaving.CancelAsync();
                    await Task.Delay(Timeout.Infinite, token);
                    throw new InvalidOperationException("unreachable");
                });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => directory.GetAsync("NSE_CM", leaving.Token));
            }

            answers.Enqueue(_ => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)));
            var failed = await directory.GetAsync("NSE_CM", Ct);
            var stillFailed = await directory.GetAsync("NSE_CM", Ct); // within the retry pause: no new request
            clock.Advance(SymbolDirectory.RetryAfterFailure);
            answers.Enqueue(Master);
            var retried = await directory.GetAsync("NSE_CM", Ct);
            var kept = await directory.GetAsync("NSE_CM", Ct);

            Assert.Null(failed);
            Assert.Null(stillFailed);
            Assert.NotNull(retried);
            Assert.Same(retried, kept);
            Assert.True(retried.Contains("NSE:SBIN-EQ"));
            Assert.Equal(3, handler.Requests);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class Answering(Queue<Func<CancellationToken, Task<HttpResponseMessage>>> answers) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return answers.Dequeue()(cancellationToken);
        }
    }

    /// <summary>The CLI finds "Reliance" and "sbin" in the sandbox's symbol master, lists names, refuses what is ambiguous, and removes.</summary>
    [Fact]
    public async Task Cli_AddsByName_ListsWithNames_AndRemoves()
    {
        await using var app = await TestApp.StartAsync(symbols: "NSE:SBIN-EQ");
        // The file in the data folder is the watchlist once it exists (the CLI process has no settings of its own).
        await File.WriteAllTextAsync(Path.Combine(app.DataDirectory, WatchlistSource.FileName), "NSE:SBIN-EQ\n", Ct);

        var (addExit, added) = await CliProcess.RunAsync(app, "watchlist", "add", "Reliance");
        var (againExit, again) = await CliProcess.RunAsync(app, "watchlist", "add", "reliance", "industries");
        var (ambiguousExit, ambiguous) = await CliProcess.RunAsync(app, "watchlist", "add", "bank");
        var (unknownExit, unknown) = await CliProcess.RunAsync(app, "watchlist", "add", "Nosuch Widgets");
        var (listExit, list) = await CliProcess.RunAsync(app, "watchlist", "list");
        var (removeExit, removed) = await CliProcess.RunOnStoreAsync(app, "watchlist", "remove", "sbin");
        // As the README writes the group: remove takes --sandbox [URL] too (issue 20).
        var (removeLastExit, removedLast) = await CliProcess.RunAsync(app, "watchlist", "remove", "reliance");
        var file = await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, WatchlistSource.FileName), Ct);

        Assert.True(addExit == 0, added);
        Assert.Contains("Added NSE:RELIANCE-EQ (RELIANCE INDUSTRIES LTD). The watchlist has 2 symbols", added, StringComparison.Ordinal);
        Assert.Equal(0, againExit);
        Assert.Contains("already on the watchlist", again, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, ambiguousExit);
        Assert.Contains("pricefeed watchlist add NSE:NIFTYBANK-INDEX", ambiguous, StringComparison.Ordinal);
        Assert.Contains("pricefeed watchlist add NSE:HDFCBANK-EQ", ambiguous, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, unknownExit);
        Assert.Contains("No FYERS symbol or company name in NSE_CM matches 'Nosuch Widgets'", unknown, StringComparison.Ordinal);
        Assert.True(listExit == 0, list);
        Assert.Matches(@"NSE:SBIN-EQ\s+STATE BANK OF INDIA", list);
        Assert.Matches(@"NSE:RELIANCE-EQ\s+RELIANCE INDUSTRIES LTD", list);
        Assert.True(removeExit == 0, removed);
        Assert.True(removeLastExit == 0, removedLast);
        Assert.Contains("(empty: the jobs now use the configured list)", removedLast, StringComparison.Ordinal);
        Assert.Equal("default\n", file); // an emptied list says so; a blank file is refused by the runs
    }

    /// <summary>A symbol FYERS does not list is named in the run and never sent to FYERS; the others are fetched.</summary>
    [Fact]
    public async Task UnknownSymbol_IsNamedInTheRun_AndNeverSentToFyers()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ,NSE:NOSUCHCO-EQ");
        await app.LogInAsync();
        app.Sandbox.ResetCounters();

        var report = await app.App.Services.GetRequiredService<IngestionRunner>().RunIntradayAsync(Ct);

        Assert.Equal(RunStatus.Failed, report.Status);
        var unknown = Assert.Single(report.FailedSymbols);
        Assert.Equal("NSE:NOSUCHCO-EQ", unknown.Symbol);
        Assert.StartsWith("not in FYERS' symbol master (NSE_CM), so it was not asked for.", unknown.Error, StringComparison.Ordinal);
        Assert.True(report.Symbols.Single(s => s.Symbol == "NSE:SBIN-EQ").Ok);
        Assert.Equal(1, app.Sandbox.RequestsTo("data/history"));
    }

    /// <summary>
    /// A backfill without --symbols takes the watchlist every job reads (the file the page and the
    /// CLI write, not the built-in default), and never sends a symbol the master lacks, given or listed.
    /// </summary>
    [Fact]
    public async Task Backfill_ReadsTheWatchlistFile_AndNamesUnknownSymbols()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, symbols: "NSE:SBIN-EQ");
        await app.LogInAsync();
        await File.WriteAllTextAsync(Path.Combine(app.DataDirectory, WatchlistSource.FileName), "NSE:TCS-EQ\nNSE:NOSUCHCO-EQ\n", Ct);
        app.Sandbox.ResetCounters();

        var (watchlistExit, fromWatchlist) = await CliProcess.RunAsync(app, "backfill", "--from", "2026-11-24", "--to", "2026-11-26");
        var historyCalls = app.Sandbox.RequestsTo("data/history");
        var (givenExit, given) = await CliProcess.RunAsync(app, "backfill", "--from", "2026-11-24", "--to", "2026-11-26", "--symbols", "NSE:NOSUCHCO-EQ");

        Assert.Equal(ExitCodes.Error, watchlistExit);
        Assert.Contains("Backfill of the others complete: 1 chunks", fromWatchlist, StringComparison.Ordinal);
        Assert.Contains("1 symbol is not in FYERS' symbol master and was not asked for.", fromWatchlist, StringComparison.Ordinal);
        Assert.Contains("NSE:NOSUCHCO-EQ (-): not in FYERS' symbol master (NSE_CM)", fromWatchlist, StringComparison.Ordinal);
        Assert.Equal(1, historyCalls); // NSE:TCS-EQ only: not SBIN (the default), not the unknown one
        Assert.Equal(ExitCodes.Error, givenExit);
        Assert.Contains("NSE:NOSUCHCO-EQ (-): not in FYERS' symbol master (NSE_CM)", given, StringComparison.Ordinal);
        Assert.Equal(1, app.Sandbox.RequestsTo("data/history"));
        var stored = await app.App.Services.GetRequiredService<PriceFeed.Lake.CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 26), Ct);
        Assert.Equal(["NSE:TCS-EQ"], stored.Select(r => r.Symbol).Distinct());
    }

    /// <summary>The page's API: the owner adds by name, chooses among several, removes; a stranger sees and changes nothing.</summary>
    [Fact]
    public async Task Api_OwnerOnly_AddsByName_OffersAChoice_AndRemoves()
    {
        await using var app = await TestApp.StartAsync(symbols: "NSE:SBIN-EQ");
        await app.LogInAsync();
        using var owner = await app.NewBrowser().AsOwnerAsync();
        using var stranger = app.NewBrowser();

        using var strangerGet = await stranger.SendAsync(HttpMethod.Get, "api/watchlist");
        using var strangerAdd = await stranger.SendAsync(HttpMethod.Post, "api/watchlist", new { query = "Reliance" });
        using var added = await owner.SendAsync(HttpMethod.Post, "api/watchlist", new { query = "Reliance" });
        using var choice = await owner.SendAsync(HttpMethod.Post, "api/watchlist", new { query = "bank" });
        using var none = await owner.SendAsync(HttpMethod.Post, "api/watchlist", new { query = "Nosuch Widgets" });
        using var removed = await owner.SendAsync(HttpMethod.Delete, "api/watchlist/" + Uri.EscapeDataString("NSE:SBIN-EQ"));
        var after = await owner.GetJsonAsync("api/watchlist");

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, strangerGet.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, strangerAdd.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("RELIANCE INDUSTRIES LTD", await added.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, choice.StatusCode);
        Assert.Contains("NSE:HDFCBANK-EQ", await choice.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(["NSE:RELIANCE-EQ"], after.GetProperty("symbols").EnumerateArray().Select(e => e.GetProperty("ticker").GetString()));
        Assert.Equal("NSE:RELIANCE-EQ\n", await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, WatchlistSource.FileName), Ct));
    }
}
