using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Fyers.Tests.Support;

/// <summary>
/// Drives a call that waits on a fake clock: whenever the limiter is holding callers back, the clock
/// jumps to the end of the pause; otherwise the pump gives real HTTP I/O a moment to finish. Nothing
/// here waits for sandbox time to pass on the wall clock.
/// </summary>
internal static class FakeClockPump
{
    public static async Task<T> RunAsync<T>(Task<T> call, FakeTimeProvider clock, FyersRateLimiter limiter)
    {
        for (var i = 0; i < 2000 && !call.IsCompleted; i++)
        {
            var now = clock.GetUtcNow();
            if (limiter.PausedUntil > now)
            {
                clock.SetUtcNow(limiter.PausedUntil);
            }
            else
            {
                // Polls the real I/O; if the limiter is waiting on its windows, nudge the clock forward.
                await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
                if (!call.IsCompleted)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(100));
                }
            }
        }

        Assert.True(call.IsCompleted, "The call did not finish while the fake clock was pumped.");
        return await call;
    }
}
