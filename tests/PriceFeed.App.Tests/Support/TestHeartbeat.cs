namespace PriceFeed.App.Tests.Support;

/// <summary>
/// Writes a line of progress to the test's output every second while a long test waits.
/// </summary>
/// <remarks>
/// Why a test needs this: when the xUnit v3 test process exits, xunit.runner.visualstudio waits for
/// the assembly-finished message only until 5 s after the last message it read
/// (<c>CrashDetectionSinkBase.FinishWaitMilliseconds</c>). A test that runs last and says nothing
/// for a minute leaves that message 60 s old, so if the runner notices the exit before it has read
/// the final messages from the pipe it reports "Test process crashed with exit code 0" and drops the
/// last result. That happened in CI on 2026-11-27 after the 63 s rate-limit storm test. Test output
/// travels as messages while the test runs, so a line a second keeps the runner's clock fresh.
/// </remarks>
public sealed class TestHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private TestHeartbeat(ITestOutputHelper output, Func<string> status)
    {
        var started = TimeProvider.System.GetTimestamp();
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                var elapsed = TimeProvider.System.GetElapsedTime(started);
                output.WriteLine($"{elapsed.TotalSeconds:0}s: {status()}");
            }
        });
    }

    /// <summary>Starts the heartbeat for the current test; <paramref name="status"/> is called once a second.</summary>
    public static TestHeartbeat Start(Func<string> status) =>
        new(TestContext.Current.TestOutputHelper ?? throw new InvalidOperationException("No test is running."), status);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }
}
