using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Fyers.Tests.Http;

/// <summary>The limiter's arithmetic on a fake clock; the over-HTTP behaviour is in FyersClientSandboxTests.</summary>
public sealed class RateLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    private static FyersRateLimiter Create(FakeTimeProvider time, int perSecond = 8, int perMinute = 190, int perDay = 95_000) =>
        new(Options.Create(new FyersOptions { RequestsPerSecond = perSecond, RequestsPerMinute = perMinute, RequestsPerDay = perDay }), time);

    [Fact]
    public async Task Acquire_SpreadsThePerSecondBudgetEvenly()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        await limiter.AcquireAsync(TestContext.Current.CancellationToken);

        var second = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(124));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second;
        Assert.Equal(2, limiter.Granted);
    }

    [Fact]
    public async Task Acquire_BackToBack_NeverMoreThanTheBudgetInAnySecond()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        var grants = new List<DateTimeOffset>();
        for (var i = 0; i < 40; i++)
        {
            var acquire = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
            while (!acquire.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(5));
            }

            await acquire;
            grants.Add(time.GetUtcNow());
        }

        Assert.All(grants, g => Assert.True(grants.Count(o => o > g - TimeSpan.FromSeconds(1) && o <= g) <= 8));
        Assert.True(grants[^1] - grants[0] < TimeSpan.FromSeconds(5.1), "the budget was not used");
    }

    [Fact]
    public async Task Acquire_PastPerMinuteBudget_WaitsUntilTheOldestLeavesTheMinute()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time, perSecond: 10, perMinute: 20);
        for (var i = 0; i < 20; i++)
        {
            await limiter.AcquireAsync(TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(20, limiter.Granted);

        var next = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromSeconds(55));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await next;
    }

    [Fact]
    public async Task ReportRateLimited_WithoutRetryAfter_HoldsEveryoneForAWholeMinute()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        limiter.ReportRateLimited(null);

        var next = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await next;
        Assert.Equal(Start.AddMinutes(1), limiter.PausedUntil);
        Assert.Equal(1, limiter.RateLimitedResponses);
    }

    [Fact]
    public async Task ReportRateLimited_BeforeOurMinuteBudget_KeepsToWhatFyersAcceptedFor15Minutes()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        for (var i = 0; i < 11; i++)
        {
            await limiter.AcquireAsync(TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        // The 11th was refused: FYERS accepted 10 in this minute although we allow 190.
        limiter.ReportRateLimited(TimeSpan.FromSeconds(58));
        Assert.Equal(10, limiter.LearnedRequestsPerMinute);
        time.Advance(TimeSpan.FromSeconds(58));
        var sent = 0;
        var windowStart = time.GetUtcNow();
        while (time.GetUtcNow() < windowStart + TimeSpan.FromMinutes(1))
        {
            var next = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
            if (!next.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Yield();
                if (!next.IsCompleted)
                {
                    // Held: keep time moving until it goes or the minute is over.
                    while (!next.IsCompleted && time.GetUtcNow() < windowStart + TimeSpan.FromMinutes(1))
                    {
                        time.Advance(TimeSpan.FromMilliseconds(100));
                    }

                    if (!next.IsCompleted)
                    {
                        break;
                    }
                }
            }

            await next;
            sent++;
        }

        Assert.True(sent <= 10, $"{sent} sent in the minute after the refusal");
        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Null(limiter.LearnedRequestsPerMinute);
    }

    [Fact]
    public void ReportRateLimited_PerSecondRefusal_LearnsNoMinuteBudget()
    {
        var limiter = Create(new FakeTimeProvider(Start));

        limiter.ReportRateLimited(TimeSpan.FromSeconds(1));

        Assert.Null(limiter.LearnedRequestsPerMinute);
    }

    [Fact]
    public async Task ReportRateLimited_WithRetryAfter_HonoursIt()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        limiter.ReportRateLimited(TimeSpan.FromSeconds(7));

        var next = limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await next;
    }

    [Fact]
    public async Task Acquire_DailyBudgetUsed_FailsWithAdviceInsteadOfWaitingHours()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time, perDay: 3);
        for (var i = 0; i < 3; i++)
        {
            await limiter.AcquireAsync(TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var error = await Assert.ThrowsAsync<FyersApiException>(() => limiter.AcquireAsync(TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(FyersErrorKind.RateLimited, error.Kind);
        Assert.Contains("midnight IST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_Cancelled_StopsWaiting()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = Create(time);
        limiter.ReportRateLimited(null);
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
