namespace PriceFeed.Tokens;

/// <summary>
/// Raised in this process when a login stores a new token. The laptop's scheduler waits on it as
/// well as on its clock, so a login at 12:07 fills the morning at once instead of at the next
/// 5-minute tick (issue 20). On AWS the page and the jobs are separate functions; the next
/// scheduled run does it there.
/// </summary>
public sealed class TokenStoredSignal
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Raise"/> after this call.</summary>
    public Task NextAsync() => Volatile.Read(ref next).Task;

    public void Raise() => Interlocked.Exchange(ref next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
