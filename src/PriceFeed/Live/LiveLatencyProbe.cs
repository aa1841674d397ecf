using System.Collections.Concurrent;

namespace PriceFeed.Live;

/// <summary>
/// Latencies the live benchmark reads (bench/PriceFeed.Benchmarks live): from a tick's arrival to the
/// fsync that made it durable, and from a minute's end to its bar being in the lake. Registered only by
/// the benchmark; without it the stream measures nothing.
/// </summary>
public sealed class LiveLatencyProbe
{
    public ConcurrentQueue<TimeSpan> TickToDurable { get; } = new();

    public ConcurrentQueue<TimeSpan> MinuteToLake { get; } = new();
}
