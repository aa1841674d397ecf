using System.Collections.Concurrent;

namespace PriceFeed.Sandbox.Market;

/// <summary>One synthetic trade: its time, price and quantity.</summary>
internal readonly record struct Trade(DateTimeOffset At, double Price, long Quantity);

/// <summary>The state of a symbol's day after the trades up to a moment: what quotes and the data socket report.</summary>
/// <param name="LastTradeAt">When the last trade so far happened (null before the day's first trade).</param>
internal readonly record struct TapeState(double Last, double Open, double High, double Low, long Volume, double Turnover, DateTimeOffset? LastTradeAt);

/// <summary>
/// The sandbox's trade process (issue 21): each minute bar of <see cref="SyntheticMarket.FullDay"/> is
/// cut into <see cref="TradesPerSecond"/> trades a second, the first at the bar's open, the last at its
/// close, one at its high and one at its low, the quantities summing to its volume. Every price the
/// sandbox serves comes from these trades: a forming minute bar, the 5-second bars, the quotes, and the
/// data socket's updates, which carry each trade. So the 1-minute candles REST serves for a day are
/// exactly the aggregation of what the socket sent, and bars built from the socket can be checked
/// against them to the paisa and the share.
/// </summary>
internal sealed class TradeTape
{
    // Days are built once per (symbol, date, rate) and shared: a quote or a socket update is then a
    // prefix lookup plus one minute's trades, not 375 bars drawn again. Bounded: a soak of thousands of
    // symbols holds one day each; a full cache is dropped and rebuilt, which only costs time.
    private const int MaxDays = 12_000;
    private static readonly ConcurrentDictionary<(string Symbol, int Day, int Rate), TradeTape> Days = new();

    private readonly Bar[] minutes;
    private readonly long[] volumeBefore;
    private readonly double[] turnoverBefore;
    private readonly double[] highBefore;
    private readonly double[] lowBefore;
    private CutMinute? lastMinute;

    private TradeTape(string symbol, Bar[] minutes, int tradesPerSecond)
    {
        Symbol = symbol;
        this.minutes = minutes;
        TradesPerSecond = tradesPerSecond;
        volumeBefore = new long[minutes.Length + 1];
        turnoverBefore = new double[minutes.Length + 1];
        highBefore = new double[minutes.Length + 1];
        lowBefore = new double[minutes.Length + 1];
        highBefore[0] = double.MinValue;
        lowBefore[0] = double.MaxValue;
        for (var i = 0; i < minutes.Length; i++)
        {
            var bar = minutes[i];
            volumeBefore[i + 1] = volumeBefore[i] + bar.Volume;
            turnoverBefore[i + 1] = turnoverBefore[i] + Turnover(bar);
            highBefore[i + 1] = Math.Max(highBefore[i], bar.High);
            lowBefore[i + 1] = Math.Min(lowBefore[i], bar.Low);
        }
    }

    public string Symbol { get; }

    public int TradesPerSecond { get; }

    /// <summary>Trades in each minute bar.</summary>
    public int TradesPerMinute => 60 * TradesPerSecond;

    /// <summary>The minute bars of the whole day, as they are once it is over.</summary>
    public ReadOnlySpan<Bar> Minutes => minutes;

    public static TradeTape Of(string symbol, DateOnly date, int tradesPerSecond)
    {
        if (Days.Count > MaxDays)
        {
            Days.Clear();
        }

        return Days.GetOrAdd((symbol, date.DayNumber, tradesPerSecond), static key => new TradeTape(key.Symbol, SyntheticMarket.FullDay(key.Symbol, DateOnly.FromDayNumber(key.Day)), key.Rate));
    }

    /// <summary>When trade <paramref name="index"/> of a minute bar happens.</summary>
    public DateTimeOffset TradeTime(Bar minute, int index) =>
        DateTimeOffset.FromUnixTimeSeconds(minute.Time).AddTicks(index * (TimeSpan.TicksPerSecond / TradesPerSecond));

    /// <summary>How many of a minute's trades have happened by <paramref name="now"/> (0 to <see cref="TradesPerMinute"/>).</summary>
    public int TradesBy(Bar minute, DateTimeOffset now)
    {
        var elapsed = now - DateTimeOffset.FromUnixTimeSeconds(minute.Time);
        return elapsed < TimeSpan.Zero ? 0 : (int)Math.Min(TradesPerMinute, (elapsed.Ticks / (TimeSpan.TicksPerSecond / TradesPerSecond)) + 1);
    }

    /// <summary>The trades of minute <paramref name="index"/> of the day: they add up to its bar exactly.</summary>
    public Trade[] TradesOf(int index)
    {
        // One minute is kept: a socket or a quote asks for the same minute many times in a row.
        // Swapped as one reference, so readers on other threads see a whole pair.
        if (lastMinute is { } cached && cached.Minute == index)
        {
            return cached.Trades;
        }

        var trades = Cut(minutes[index]);
        lastMinute = new CutMinute(index, trades);
        return trades;
    }

    /// <summary>The bar that trades (at least one) make, stamped <paramref name="time"/>.</summary>
    public static Bar Aggregate(ReadOnlySpan<Trade> trades, long time)
    {
        var bar = new Bar(time, trades[0].Price, trades[0].Price, trades[0].Price, trades[0].Price, trades[0].Quantity);
        for (var i = 1; i < trades.Length; i++)
        {
            bar = bar.Merge(new Bar(time, trades[i].Price, trades[i].Price, trades[i].Price, trades[i].Price, trades[i].Quantity));
        }

        return bar;
    }

    /// <summary>The day's state after every trade up to <paramref name="now"/>.</summary>
    public TapeState At(DateTimeOffset now)
    {
        if (minutes.Length == 0 || now < DateTimeOffset.FromUnixTimeSeconds(minutes[0].Time))
        {
            return default;
        }

        // The minute holding now, or the last one once the day is over.
        var i = (int)Math.Min(minutes.Length - 1, (now.ToUnixTimeSeconds() - minutes[0].Time) / 60);
        var count = TradesBy(minutes[i], now);
        var trades = TradesOf(i);
        var forming = Aggregate(trades.AsSpan(0, count), minutes[i].Time);
        return new TapeState(
            forming.Close,
            minutes[0].Open,
            Math.Max(highBefore[i], forming.High),
            Math.Min(lowBefore[i], forming.Low),
            volumeBefore[i] + forming.Volume,
            turnoverBefore[i] + Turnover(forming),
            trades[count - 1].At);
    }

    private sealed record CutMinute(int Minute, Trade[] Trades);

    private static double Turnover(Bar bar) => bar.Volume * (bar.High + bar.Low + bar.Close) / 3;

    /// <summary>
    /// Cuts a bar into trades: a path from open to close that wanders inside [low, high] on the
    /// exchange's tick, touching the high and the low once each, and quantities drawn as shares of the
    /// bar's volume that sum to it exactly. Drawn from (symbol, minute), so it is the same every time.
    /// </summary>
    private Trade[] Cut(Bar minute)
    {
        var n = TradesPerMinute;
        var rng = new SplitMix(SplitMix.Hash(Symbol + "#t") ^ (ulong)minute.Time ^ ((ulong)TradesPerSecond << 56));
        var trades = new Trade[n];
        var prices = new double[n];
        prices[0] = minute.Open;
        prices[n - 1] = minute.Close;
        for (var k = 1; k < n - 1; k++)
        {
            var straight = minute.Open + ((minute.Close - minute.Open) * k / (n - 1));
            var wander = (rng.NextDouble() - 0.5) * (minute.High - minute.Low);
            prices[k] = SyntheticMarket.Tick(Math.Clamp(straight + wander, minute.Low, minute.High));
        }

        // The high and the low each happen once, strictly inside the minute (the ends are the open
        // and close); when they coincide with the open or close, the touch changes nothing.
        var highAt = 1 + (int)(rng.NextDouble() * (n - 2));
        var lowAt = 1 + (int)(rng.NextDouble() * (n - 2));
        if (lowAt == highAt)
        {
            lowAt = highAt == 1 ? 2 : highAt - 1;
        }

        prices[highAt] = minute.High;
        prices[lowAt] = minute.Low;

        var weights = new double[n];
        var total = 0.0;
        for (var k = 0; k < n; k++)
        {
            weights[k] = 0.25 + rng.NextDouble();
            total += weights[k];
        }

        var cumulative = 0.0;
        var given = 0L;
        for (var k = 0; k < n; k++)
        {
            cumulative += weights[k];
            var upTo = k == n - 1 ? minute.Volume : (long)Math.Floor(minute.Volume * cumulative / total);
            trades[k] = new Trade(TradeTime(minute, k), prices[k], upTo - given);
            given = upTo;
        }

        return trades;
    }
}
