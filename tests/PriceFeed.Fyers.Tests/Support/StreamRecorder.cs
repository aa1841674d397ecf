using PriceFeed.Fyers.Socket;

namespace PriceFeed.Fyers.Tests.Support;

/// <summary>What an <see cref="HsmStream"/> reported: its events and its records' topics and types, in order.</summary>
internal sealed class StreamRecorder
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<HsmStreamEvent> events = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Topic, char Type)> records = new();

    public IReadOnlyList<HsmStreamEvent> Events => [.. events];

    public IReadOnlyList<(string Topic, char Type)> Records => [.. records];

    public int Count(HsmStreamEventKind kind) => events.Count(e => e.Kind == kind);

    public void Event(HsmStreamEvent e) => events.Enqueue(e);

    public void Record(in HsmRecord r) => records.Enqueue((r.Topic, r.Type));

    /// <summary>Waits (real time, at most 20 s) until <paramref name="done"/> holds.</summary>
    public async Task WaitAsync(Func<StreamRecorder, bool> done, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done(this))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{what}: events {string.Join(", ", Events.Select(e => $"{e.Kind} {e.Detail}"))}; {Records.Count} records");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
