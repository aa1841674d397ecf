using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Ingestion;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    /// <summary>
    /// Tests whose outcome depends on when requests arrive. The sandbox runs in the test process, so
    /// while other tests load both cores a request can reach it more than a second after it was
    /// sent, which a real FYERS connection does not do; these run alone.
    /// </summary>
    public const string Name = "Timing";
}

/// <summary>A 429 storm through a whole job run, against the sandbox's own limits.</summary>
[Collection(TimingCollection.Name)]
public sealed class RateLimitStormTests
{
    /// <summary>
    /// Another tool spends most of the app's FYERS minute budget, so FYERS refuses us long before our
    /// own limiter would: the sandbox allows 16 a minute and the job needs 31 (the market status, then
    /// 30 symbols). One 429, then the whole job holds until the refused minute is over (real time:
    /// about a minute), then finishes within the budget FYERS showed it.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Intraday_In429Storm_NeverSendsInsideTheRefusedMinute_AndStoresEverySymbol()
    {
        var symbols = string.Join(',', Enumerable.Range(1, 30).Select(i => $"NSE:SYN{i:000}-EQ"));
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)), symbols: symbols, sandbox: o => o.RequestsPerMinute = 16);
        await app.LogInAsync();
        app.Sandbox.RateLimiter.Reset();
        await using var heartbeat = TestHeartbeat.Start(() => $"429s sent {app.Sandbox.RateLimiter.TooManyRequestsSent}, sent before Retry-After {app.Sandbox.RateLimiter.RequestsBeforeRetryAfter}");

        var report = await app.App.Services.GetRequiredService<IngestionRunner>().RunIntradayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(RunReport.Ok, report.Status);
        // 105 completed bars at 11:00:30; the symbols fetched after the wait see a minute more.
        Assert.Equal(30, report.Symbols.Count(s => s.Ok && s.BarsWritten is 105 or 106));
        Assert.Contains(report.Symbols, s => s.BarsWritten == 106);
        Assert.Equal(1, app.Sandbox.RateLimiter.TooManyRequestsSent);
        Assert.Equal(0, app.Sandbox.RateLimiter.RequestsBeforeRetryAfter);
        Assert.Equal(1, report.RateLimited);
        Assert.Contains("\"RateLimited\":1", app.Emf.ToString(), StringComparison.Ordinal);
    }
}
