using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>A 429 storm through a whole job run, against the sandbox's own limits, on a manual clock.</summary>
public sealed class RateLimitStormTests
{
    /// <summary>
    /// Another tool spends most of the app's FYERS minute budget, so FYERS refuses us long before our
    /// own limiter would: the sandbox allows 16 a minute and the job needs 31 (the market status, then
    /// 30 symbols). One 429, then the whole job holds until the refused minute is over, then finishes
    /// within the budget FYERS showed it. The clock moves only where the limiter waits, so the minute
    /// takes no real time and the bars each symbol sees are exact.
    /// </summary>
    [Fact]
    public async Task Intraday_In429Storm_NeverSendsInsideTheRefusedMinute_AndStoresEverySymbol()
    {
        var symbols = string.Join(',', Enumerable.Range(1, 30).Select(i => $"NSE:SYN{i:000}-EQ"));
        var start = new DateTimeOffset(2026, 11, 27, 11, 0, 5, TimeSpan.FromMinutes(330));
        await using var app = await TestApp.StartAsync(now: start, symbols: symbols, manualClock: true, sandbox: o => o.RequestsPerMinute = 16);
        var runner = app.App.Services.GetRequiredService<IngestionRunner>();
        var limiter = app.App.Services.GetRequiredService<PriceFeed.Fyers.Http.FyersRateLimiter>();
        await FakeClockPump.RunAsync(app.LogInAsync(), app.ManualClock, limiter, () => app.Sandbox.RateLimiter.Accepted + app.Sandbox.RateLimiter.TooManyRequestsSent);
        app.Sandbox.RateLimiter.Reset();
        start = app.ManualClock.GetUtcNow();

        var report = await FakeClockPump.RunAsync(runner.RunIntradayAsync(TestContext.Current.CancellationToken), app.ManualClock, limiter, () => app.Sandbox.RateLimiter.Accepted + app.Sandbox.RateLimiter.TooManyRequestsSent);

        Assert.Equal(RunStatus.Ok, report.Status);
        // The market status and 15 symbols fit FYERS' 16; those symbols see the 105 bars completed by
        // 11:00:05. The 16th is refused; the rest go after the minute, at 11:01:05 or later, and see 106.
        Assert.Equal(30, report.Symbols.Count(s => s.Ok));
        Assert.Equal(Enumerable.Repeat(105, 15).Concat(Enumerable.Repeat(106, 15)), report.Symbols.Select(s => s.BarsWritten));
        Assert.InRange(app.ManualClock.GetUtcNow() - start, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(70));
        Assert.Equal(1, app.Sandbox.RateLimiter.TooManyRequestsSent);
        Assert.Equal(0, app.Sandbox.RateLimiter.RequestsBeforeRetryAfter);
        Assert.Equal(1, report.RateLimited);
        Assert.Contains("\"RateLimited\":1", app.Emf.ToString(), StringComparison.Ordinal);
    }
}
