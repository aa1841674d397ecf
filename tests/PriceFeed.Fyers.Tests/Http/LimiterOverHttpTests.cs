using PriceFeed.Fyers.Tests.Support;

namespace PriceFeed.Fyers.Tests.Http;

/// <summary>The shared limiter measured by the sandbox's own counters on real time.</summary>
[Collection(TimingCollection.Name)]
public sealed class LimiterOverHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Limiter_20ConcurrentCallers_NeverExceedItsBudgetOnTheServer()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        // Warm both ends (JIT, connection) first: a cold first request lands late and would be
        // counted in the same server window as later ones, which measures the warm-up, not the limiter.
        await client.Data.GetMarketStatusAsync(credentials, Ct);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.Data.GetMarketStatusAsync(credentials, Ct)));
        server.State.ResetCounters();

        // A line per finished caller: the test takes ~5 s at 8/s, and the runner's crash detector
        // wants to hear from the test process at least every 5 s (see App.Tests' TestHeartbeat).
        var started = TimeProvider.System.GetTimestamp();
        var callers = Enumerable.Range(0, 20).Select(async i =>
        {
            await client.Data.GetMarketStatusAsync(credentials, Ct);
            await client.Data.GetMarketStatusAsync(credentials, Ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"caller {i} done at {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.00} s");
        });
        await Task.WhenAll(callers);

        Assert.Equal(40, server.State.RateLimiter.Accepted);
        Assert.Equal(0, server.State.RateLimiter.TooManyRequestsSent);
        Assert.InRange(server.State.RateLimiter.MaxPerSecondSeen, 1, 8);
    }
}
