namespace PriceFeed.Live;

/// <summary>A last price and the day's cumulative volume, as the data socket reported them.</summary>
/// <param name="At">When the exchange says the trade happened (the record's last traded time); bars are built on it.</param>
/// <param name="DayVolume">The day's traded volume so far (null for indices, which have none).</param>
/// <param name="ReceivedAt">When the tick arrived here (null: at <paramref name="At"/>).</param>
/// <param name="Bid">The best bid with the tick (full mode, scrips), null when not sent.</param>
/// <param name="Ask">The best ask with the tick (full mode, scrips), null when not sent.</param>
/// <param name="OpenInterest">Open interest (derivatives; the SDKs drop it), null when not sent or zero.</param>
public readonly record struct LiveTick(string Symbol, DateTimeOffset At, decimal Price, long? DayVolume, DateTimeOffset? ReceivedAt = null, decimal? Bid = null, decimal? Ask = null, long? OpenInterest = null)
{
    /// <summary>Where a tick read back from the log came from (fyers-live, sandbox-live, sandbox-replay); null on a tick just received.</summary>
    public string? Source { get; init; }
}

/// <summary>
/// One minute's bar built from ticks. <paramref name="Complete"/> is false when a tick of the minute
/// was a baseline (the first value after a (re)connect, or a day volume that went back): trades of the
/// minute before it were not seen, so its open, high, low and volume are only partly known.
/// <paramref name="DayVolume"/> is the day's cumulative volume at its last tick (null for indices).
/// </summary>
public readonly record struct LiveBar(string Symbol, DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, int Ticks, bool Complete, long? DayVolume = null);

/// <summary>
/// Builds 1-minute bars from the socket's ticks (fyers-protocol.md §16, "bars from ticks"). Ticks
/// belong to the minute of their exchange time, not their arrival. The feed sends sampled snapshots,
/// not every trade, so a bar's volume is the sum of the rises of the cumulative day volume; the first
/// value after a (re)connect is only a baseline, and its minute is incomplete. A minute is closed by
/// the clock (its end plus <see cref="Grace"/> for late frames), not by the next tick, and a minute
/// without ticks has no bar: a gap is left for the REST refill, never a flat bar.
/// Not thread-safe: one stream's reader feeds it.
/// </summary>
public sealed class MinuteBarBuilder(TimeSpan grace)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, SortedDictionary<DateTimeOffset, Forming>> forming = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastVolume = new(StringComparer.Ordinal);
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> closedUntil = new(StringComparer.Ordinal);

    /// <summary>How long after a minute's end its late ticks are still taken.</summary>
    public TimeSpan Grace { get; } = grace;

    /// <summary>Ticks that arrived after their minute was closed: dropped, and counted.</summary>
    public long LateTicks { get; private set; }

    /// <summary>The next value of each symbol's cumulative volume is a baseline: call after a (re)connect.</summary>
    public void Rebase()
    {
        lastVolume.Clear();
        seen.Clear();
    }

    /// <summary>Takes a tick; false when its minute is already closed (counted in <see cref="LateTicks"/>).</summary>
    public bool Add(LiveTick tick)
    {
        var start = new DateTimeOffset(tick.At.UtcTicks - (tick.At.UtcTicks % Minute.Ticks), TimeSpan.Zero);
        if (closedUntil.TryGetValue(tick.Symbol, out var closed) && start < closed)
        {
            LateTicks++;
            return false;
        }

        var volume = 0L;
        // The symbol's first tick since the start or a reconnect is a baseline: what traded earlier
        // in its minute was not seen.
        var known = !seen.Add(tick.Symbol);
        if (tick.DayVolume is { } day)
        {
            if (lastVolume.TryGetValue(tick.Symbol, out var previous) && day >= previous)
            {
                volume = day - previous;
            }
            else
            {
                known = false; // a baseline, or a day volume that went back (a new day, a reset)
            }


            lastVolume[tick.Symbol] = day;
        }

        if (!forming.TryGetValue(tick.Symbol, out var bars))
        {
            bars = [];
            forming[tick.Symbol] = bars;
        }

        if (bars.TryGetValue(start, out var bar))
        {
            bar.Take(tick.Price, volume, known, tick.DayVolume);
        }
        else
        {
            bars[start] = new Forming(start, tick.Price, volume, known, tick.DayVolume);
        }

        return true;
    }

    /// <summary>A symbol's newest bar still forming (its minute not closed yet); null when it has none.</summary>
    public LiveBar? FormingBar(string symbol) =>
        forming.TryGetValue(symbol, out var bars) && bars.Count > 0 ? bars.Last().Value.ToBar(symbol) : null;

    /// <summary>The bars whose minute ended at least <see cref="Grace"/> before <paramref name="now"/>, in time order.</summary>
    public IReadOnlyList<LiveBar> Close(DateTimeOffset now)
    {
        var done = new List<LiveBar>();
        foreach (var (symbol, bars) in forming)
        {
            while (bars.Count > 0 && bars.First() is var (start, bar) && start + Minute + Grace <= now)
            {
                done.Add(bar.ToBar(symbol));
                closedUntil[symbol] = start + Minute;
                bars.Remove(start);
            }
        }

        done.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Symbol, b.Symbol));
        return done;
    }

    private sealed class Forming(DateTimeOffset start, decimal price, long volume, bool known, long? dayVolume)
    {
        private long? dayVolume = dayVolume;
        private readonly decimal open = price;
        private decimal high = price;
        private decimal low = price;
        private decimal close = price;
        private long volume = volume;
        private int ticks = 1;
        private bool known = known;

        public void Take(decimal price, long addVolume, bool isKnown, long? tickDayVolume)
        {
            dayVolume = tickDayVolume ?? dayVolume;
            high = Math.Max(high, price);
            low = Math.Min(low, price);
            close = price;
            volume += addVolume;
            ticks++;
            known &= isKnown;
        }

        public LiveBar ToBar(string symbol) => new(symbol, start, open, high, low, close, volume, ticks, Complete: known, dayVolume);
    }
}
