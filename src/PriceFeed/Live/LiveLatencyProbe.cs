namespace PriceFeed.Live;

/// <summary>
/// Latencies the live benchmark reads (bench/PriceFeed.Benchmarks live): from a tick's arrival to the
/// fsync that made it durable, and from a minute's end to its bar being in the lake. Registered only by
/// the benchmark; without it the stream measures nothing. Histograms of fixed size (1 ms buckets up to
/// a minute), so a soak of millions of ticks does not grow the memory it is measuring.
/// </summary>
public sealed class LiveLatencyProbe
{
    public Histogram TickToDurable { get; } = new();

    public Histogram MinuteToLake { get; } = new();

    /// <summary>Counts in 1 ms buckets from 0 to 60 s; longer lands in the last.</summary>
    public sealed class Histogram
    {
        private const int Buckets = 60_000;
        private readonly long[] counts = new long[Buckets];
        private long total;
        private long maxMs;

        public long Count => Interlocked.Read(ref total);

        public void Add(TimeSpan value)
        {
            var ms = (long)Math.Clamp(value.TotalMilliseconds, 0, Buckets - 1);
            Interlocked.Increment(ref counts[ms]);
            Interlocked.Increment(ref total);
            long seen;
            while (ms > (seen = Interlocked.Read(ref maxMs)) && Interlocked.CompareExchange(ref maxMs, ms, seen) != seen)
            {
            }
        }

        /// <summary>The smallest bucket (ms) at or below which a share <paramref name="p"/> of the values fall.</summary>
        public long Percentile(double p)
        {
            var wanted = (long)Math.Ceiling(p * Count);
            var seen = 0L;
            for (var i = 0; i < Buckets; i++)
            {
                seen += Interlocked.Read(ref counts[i]);
                if (seen >= wanted && wanted > 0)
                {
                    return i;
                }
            }

            return Interlocked.Read(ref maxMs);
        }

        public long Max => Interlocked.Read(ref maxMs);
    }
}
