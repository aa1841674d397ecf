using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.Fyers.Tests.Http;

/// <summary>
/// The shared limiter as the sandbox counts it at the other end of real HTTP. Both ends run on one
/// manual clock that moves only where the limiter waits, so five seconds of traffic take no real
/// time and the server's per-second count does not depend on how busy the machine is.
/// </summary>
public sealed class LimiterOverHttpTests
{
    private static readonly DateTimeOffset FridayMorning = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Limiter_20ConcurrentCallers_NeverExceedItsBudgetOnTheServer()
    {
        var clock = new FakeTimeProvider(FridayMorning);
        await using var server = await SandboxServer.StartAsync(time: clock);
        using var client = server.CreateClient(clientTime: clock);
        var credentials = await FakeClockPump.RunAsync(client.LogInAsync(), clock, client.Limiter, () => server.State.RateLimiter.Accepted + server.State.RateLimiter.TooManyRequestsSent);
        server.State.ResetCounters();
        var started = clock.GetUtcNow();

        var callers = Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await client.Data.GetMarketStatusAsync(credentials, Ct);
            await client.Data.GetMarketStatusAsync(credentials, Ct);
        }));
        await FakeClockPump.RunAsync(callers, clock, client.Limiter, () => server.State.RateLimiter.Accepted + server.State.RateLimiter.TooManyRequestsSent);

        Assert.Equal(40, server.State.RateLimiter.Accepted);
        Assert.Equal(0, server.State.RateLimiter.TooManyRequestsSent);
        Assert.InRange(server.State.RateLimiter.MaxPerSecondSeen, 1, 8);
        Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromSeconds(4), "40 requests at 8 a second cannot all be sent within 4 s");
    }
}
