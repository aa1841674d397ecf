namespace PriceFeed.Sandbox.Market;

/// <summary>
/// The market's clock in replay mode (issue 21): a past session played from a chosen minute at 1x or
/// faster, on top of the sandbox's own clock. Timers run <see cref="Speed"/> times faster, so a
/// 1-second update step at 10x fires every 100 ms of the underlying clock (a manual one in tests).
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private readonly TimeProvider inner;
    private readonly DateTimeOffset startedAt;

    public ReplayClock(TimeProvider inner, DateTimeOffset from, double speed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(speed, 1);
        this.inner = inner;
        From = from;
        Speed = speed;
        startedAt = inner.GetUtcNow();
    }

    /// <summary>The replayed moment the clock started at.</summary>
    public DateTimeOffset From { get; }

    public double Speed { get; }

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => From + ((inner.GetUtcNow() - startedAt) * Speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(inner.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Speed;

    private sealed class ScaledTimer(ITimer timer, ReplayClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
