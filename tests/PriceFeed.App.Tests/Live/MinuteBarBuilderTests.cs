using PriceFeed.Live;

namespace PriceFeed.App.Tests.Live;

/// <summary>Issue 21: 1-minute bars from the socket's ticks, closed by the clock, volume from the cumulative count, no invented bars.</summary>
public sealed class MinuteBarBuilderTests
{
    private static readonly DateTimeOffset NineFifteen = new(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private static LiveTick Tick(int second, decimal price, long? volume, string symbol = "NSE:SBIN-EQ") => new(symbol, NineFifteen.AddSeconds(second), price, volume);

    [Fact]
    public void AMinute_IsClosedByTheClockPlusGrace_NotByTheNextTick()
    {
        var builder = new MinuteBarBuilder(Grace);
        builder.Add(Tick(1, 600.00m, 1000));
        builder.Add(Tick(20, 601.50m, 1200));
        builder.Add(Tick(40, 599.80m, 1250));
        builder.Add(Tick(59, 600.40m, 1300));

        var early = builder.Close(NineFifteen.AddSeconds(62));
        var onTime = builder.Close(NineFifteen.AddSeconds(63));

        Assert.Empty(early);
        var bar = Assert.Single(onTime);
        // The first tick is the baseline: the bar's volume is what traded after it, and says so.
        Assert.Equal(new LiveBar("NSE:SBIN-EQ", NineFifteen.ToUniversalTime(), 600.00m, 601.50m, 599.80m, 600.40m, 300, 4, Complete: false, DayVolume: 1300), bar);
    }

    [Fact]
    public void Volume_IsTheRiseOfTheDayCount_AcrossMinutes()
    {
        var builder = new MinuteBarBuilder(Grace);
        builder.Add(Tick(50, 600m, 1000));
        builder.Add(Tick(61, 601m, 1100));
        builder.Add(Tick(90, 602m, 1180));

        var bars = builder.Close(NineFifteen.AddMinutes(3));

        Assert.Equal([(0L, false), (180L, true)], bars.Select(b => (b.Volume, b.Complete)));
    }

    [Fact]
    public void AMinuteWithoutTicks_HasNoBar_AndALateTick_IsCountedNotAdded()
    {
        var builder = new MinuteBarBuilder(Grace);
        builder.Add(Tick(5, 600m, 1000));
        builder.Add(Tick(185, 603m, 1500)); // 09:18: nothing in 09:16 and 09:17
        var bars = builder.Close(NineFifteen.AddMinutes(4).AddSeconds(5));

        var late = builder.Add(Tick(30, 590m, 1600)); // a 09:15 frame after 09:15 was handed out

        Assert.Equal([NineFifteen, NineFifteen.AddMinutes(3)], bars.Select(b => b.Start));
        Assert.False(late);
        Assert.Equal(1, builder.LateTicks);
    }

    [Fact]
    public void AfterAReconnect_TheFirstValueIsABaselineAgain_AndAFallingCountIsNotNegativeVolume()
    {
        var builder = new MinuteBarBuilder(Grace);
        builder.Add(Tick(1, 600m, 1000));
        builder.Add(Tick(61, 600m, 1100));
        builder.Rebase();
        builder.Add(Tick(70, 601m, 1500)); // after the reconnect: 400 more were traded, but while we were away
        builder.Add(Tick(80, 601m, 1520));
        builder.Add(Tick(125, 602m, 1510)); // a count that went back: a baseline, never -10

        var bars = builder.Close(NineFifteen.AddMinutes(4));

        Assert.Equal([(0L, false), (120L, false), (0L, false)], bars.Select(b => (b.Volume, b.Complete)));
    }

    [Fact]
    public void Indices_HaveNoVolume_AndSymbolsAreKeptApart()
    {
        var builder = new MinuteBarBuilder(Grace);
        builder.Add(Tick(1, 26188.10m, null, "NSE:NIFTY50-INDEX"));
        builder.Add(Tick(2, 600m, 1000));
        builder.Add(Tick(30, 26190.00m, null, "NSE:NIFTY50-INDEX"));

        builder.Add(Tick(61, 26191.00m, null, "NSE:NIFTY50-INDEX"));
        var bars = builder.Close(NineFifteen.AddMinutes(2).AddSeconds(5));

        Assert.Equal(["NSE:NIFTY50-INDEX", "NSE:SBIN-EQ", "NSE:NIFTY50-INDEX"], bars.Select(b => b.Symbol));
        // An index's first value after the start is a baseline too; its next minute is whole.
        Assert.Equal((26188.10m, 26190.00m, 0L, false), (bars[0].Open, bars[0].Close, bars[0].Volume, bars[0].Complete));
        Assert.Equal((26191.00m, 0L, true), (bars[2].Open, bars[2].Volume, bars[2].Complete));
    }
}
