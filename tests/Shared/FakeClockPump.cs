using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Testing;

/// <summary>
/// Drives a call that waits on a manual clock shared by the client and the sandbox. Time moves only
/// where the rate limiter waits: to the end of a 429 pause, or to the moment the first waiting caller
/// looks again; and only once every request the limiter let through has been judged by the
/// sandbox's rate limiter (given <c>arrivedAtServer</c>, its count of decisions), so no request
/// "travels" across a jump and lands in a later window than it was sent in. Meanwhile real HTTP I/O gets real time and the clock
/// stands still, so what a run sees does not depend on how busy the machine is. Only when nothing
/// moves for a tenth of a second (another timer is due, such as a retry's back-off) does the clock
/// step 100 ms.
/// </summary>
internal static class FakeClockPump
{
    public static async Task RunAsync(Task call, FakeTimeProvider clock, FyersRateLimiter limiter, Func<long>? arrivedAtServer = null) =>
        await RunAsync(call.ContinueWith(t => t.IsCompletedSuccessfully ? 0 : throw (t.Exception?.InnerException ?? new OperationCanceledException()), TaskScheduler.Default), clock, limiter, arrivedAtServer);

    public static async Task<T> RunAsync<T>(Task<T> call, FakeTimeProvider clock, FyersRateLimiter limiter, Func<long>? arrivedAtServer = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(limiter);
        var inFlightAtStart = arrivedAtServer is null ? 0 : limiter.Granted - arrivedAtServer();
        var stopAt = TimeProvider.System.GetTimestamp() + (30 * TimeProvider.System.TimestampFrequency);
        var idle = 0;
        while (!call.IsCompleted && TimeProvider.System.GetTimestamp() < stopAt)
        {
            var now = clock.GetUtcNow();
            var settled = arrivedAtServer is null || limiter.Granted - arrivedAtServer() <= inFlightAtStart;
            if (settled && limiter.PausedUntil > now)
            {
                clock.SetUtcNow(limiter.PausedUntil);
            }
            else if (settled && limiter.NextWakeUp is { } wakeUp && wakeUp > now)
            {
                clock.SetUtcNow(wakeUp);
            }
            else if (settled && ++idle % 50 == 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
            else
            {
                await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System));
            }
        }

        Assert.True(call.IsCompleted, "The call did not finish within 30 s while the fake clock was pumped.");
        return await call;
    }
}
