namespace PriceFeed.Testing;

/// <summary>
/// Real time that a test can move: it flows like the wall clock (so waits and timers behave as in
/// production) from a chosen start, and jumps when told to, e.g. past 06:00 IST to kill a token.
/// </summary>
internal sealed class JumpableClock(DateTimeOffset start) : TimeProvider
{
    private long offsetTicks = (start - System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void SetUtcNow(DateTimeOffset value) => Interlocked.Exchange(ref offsetTicks, (value - System.GetUtcNow()).Ticks);

    public void Advance(TimeSpan delta) => Interlocked.Add(ref offsetTicks, delta.Ticks);
}
