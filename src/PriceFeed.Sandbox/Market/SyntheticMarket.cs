namespace PriceFeed.Sandbox.Market;

/// <summary>
/// Deterministic, plausible market data: every bar is a function of (symbol, date), so two runs, two
/// hosts and two resolutions agree. Bars exist only inside the 09:15-15:30 IST session of trading days
/// and only up to the sandbox clock; the bar that contains "now" is still forming. From the closing
/// auction's start (3 Aug 2026) stocks (<c>-EQ</c>) trade continuously only until 15:15, so their
/// days end with the 15:14 bar (360 bars); indices keep 375 (docs/fyers-protocol.md §9, §12).
/// </summary>
internal sealed class SyntheticMarket(SandboxOptions options)
{
    public const int SessionMinutes = 375;
    /// <summary>Continuous trading of derivative-listed stocks ends at 15:15 from this date (SEBI closing auction session).</summary>
    public static readonly DateOnly ClosingAuctionFrom = new(2026, 8, 3);
    private const int ContinuousMinutesWithAuction = 360;
    /// <summary>India Standard Time, UTC+05:30 all year: the sandbox's one IST constant.</summary>
    public static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly TimeOnly SessionOpen = new(9, 15);
    private readonly HashSet<DateOnly> holidays = [.. options.Holidays];

    public bool IsTradingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(date);

    /// <summary>The earliest date of the last <paramref name="count"/> trading days up to <paramref name="today"/> (today counts when it trades).</summary>
    public DateOnly TradingDaysBack(DateOnly today, int count)
    {
        var date = today;
        for (var seen = IsTradingDay(date) ? 1 : 0; seen < count; )
        {
            date = date.AddDays(-1);
            seen += IsTradingDay(date) ? 1 : 0;
        }

        return date;
    }

    /// <summary>Null while the synthetic session is open at <paramref name="now"/>; otherwise the open (09:15 IST) of the latest session before it.</summary>
    public DateTimeOffset? LatestOpenIfClosed(DateTimeOffset now)
    {
        var today = IstDate(now);
        if (IsTradingDay(today) && now >= SessionStart(today) && now < SessionStart(today).AddMinutes(SessionMinutes))
        {
            return null;
        }

        var date = IsTradingDay(today) && now >= SessionStart(today) ? today : today.AddDays(-1);
        while (!IsTradingDay(date))
        {
            date = date.AddDays(-1);
        }

        return SessionStart(date);
    }

    public static DateTimeOffset SessionStart(DateOnly date) => new(date.ToDateTime(SessionOpen), Ist);

    public static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Ist).DateTime);

    /// <summary>The day's trades (<see cref="TradeTape"/>), at the sandbox's trade rate.</summary>
    public TradeTape Tape(string symbol, DateOnly date) => TradeTape.Of(symbol, date, options.TradesPerSecond);

    /// <summary>
    /// The minute bars of a day that have started by <paramref name="now"/>; the last one may be
    /// forming, and is then the aggregation of its trades so far.
    /// </summary>
    public List<Bar> MinuteBars(string symbol, DateOnly date, DateTimeOffset now)
    {
        var bars = new List<Bar>(SessionMinutes);
        if (!IsTradingDay(date))
        {
            return bars;
        }

        var tape = Tape(symbol, date);
        var full = tape.Minutes;
        for (var i = 0; i < full.Length; i++)
        {
            var bar = full[i];
            var count = tape.TradesBy(bar, now);
            if (count == 0)
            {
                break;
            }

            bars.Add(count == tape.TradesPerMinute ? bar : TradeTape.Aggregate(tape.TradesOf(i).AsSpan(0, count), bar.Time));
        }

        return bars;
    }

    /// <summary>The close of the last trading day before <paramref name="date"/>.</summary>
    public double PreviousClose(string symbol, DateOnly date)
    {
        for (var d = date.AddDays(-1); d > date.AddDays(-15); d = d.AddDays(-1))
        {
            if (IsTradingDay(d))
            {
                return Tape(symbol, d).Minutes[^1].Close;
            }
        }

        return Anchor(symbol, date);
    }

    /// <summary>
    /// Minute bars a stock or index has in a full day: 375, or 360 for stocks from the closing
    /// auction's start. Like PriceFeed's calendar, the sandbox takes every <c>-EQ</c> symbol as
    /// derivative-listed.
    /// </summary>
    public static int MinutesInDay(string symbol, DateOnly date) =>
        date >= ClosingAuctionFrom && symbol.EndsWith("-EQ", StringComparison.Ordinal) ? ContinuousMinutesWithAuction : SessionMinutes;

    /// <summary>All minute bars of a trading day, as they are once the day is over.</summary>
    public static Bar[] FullDay(string symbol, DateOnly date)
    {
        var rng = new SplitMix(SplitMix.Hash(symbol) ^ ((ulong)date.DayNumber * 0x9E3779B97F4A7C15UL));
        var index = SymbolUniverse.IsIndex(symbol);
        var sigma = index ? 0.0004 : 0.0008;
        var baseVolume = index ? 0 : 2_000 + (long)(SplitMix.Hash(symbol + "#v") % 40_000);
        var price = Anchor(symbol, date) * (1 + (0.004 * rng.NextGaussian()));
        var start = SessionStart(date).ToUnixTimeSeconds();
        var bars = new Bar[SessionMinutes];
        for (var i = 0; i < SessionMinutes; i++)
        {
            var open = Tick(price);
            var close = Tick(open * Math.Exp(sigma * rng.NextGaussian()));
            var high = Tick(Math.Max(open, close) * (1 + (Math.Abs(rng.NextGaussian()) * sigma / 2)));
            var low = Tick(Math.Min(open, close) * (1 - (Math.Abs(rng.NextGaussian()) * sigma / 2)));

            // U-shaped intraday volume: busy at the open and close, quiet at lunch.
            var x = (i - (SessionMinutes / 2.0)) / (SessionMinutes / 2.0);
            var volume = (long)(baseVolume * (0.6 + (1.2 * x * x)) * (0.5 + rng.NextDouble()));
            bars[i] = new Bar(start + (i * 60L), open, Math.Max(high, Math.Max(open, close)), Math.Min(low, Math.Min(open, close)), close, volume);
            price = close;
        }

        // Drawn for the whole session and then cut, so a day's bars before 15:15 are the same
        // whichever rule applies.
        var minutes = MinutesInDay(symbol, date);
        return minutes == SessionMinutes ? bars : bars[..minutes];
    }

    private static double Anchor(string symbol, DateOnly date)
    {
        var phase = (SplitMix.Hash(symbol + "#p") % 1000) / 1000.0 * 2 * Math.PI;
        var wobble = new SplitMix(SplitMix.Hash(symbol + "#a") ^ (ulong)date.DayNumber).NextDouble() - 0.5;
        return SymbolUniverse.BasePrice(symbol) * (1 + (0.12 * Math.Sin((2 * Math.PI * date.DayNumber / 300.0) + phase))) * (1 + (0.02 * wobble));
    }

    /// <summary>A price on the exchange's tick: 0.05 rupees, or 0.01 below one rupee.</summary>
    public static double Tick(double price) => price < 1 ? Math.Round(price, 2) : Math.Round(price * 20, MidpointRounding.AwayFromZero) / 20;
}
