using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Ingestion;

public sealed class SanitizerTests
{
    private static readonly MarketCalendar Nse = MarketCalendar.Load(new CalendarOptions());
    private static readonly long T0 = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromMinutes(330)).ToUnixTimeSeconds();

    [Fact]
    public void Sanitize_ImpossibleBars_AreRejectedOrRepairedAndCounted()
    {
        Candle[] candles =
        [
            new(T0, 100, 101, 99, 100.5, 1000),                 // fine
            new(T0 + 60, 0, 101, 99, 100, 10),                  // zero open
            new(T0 + 120, 100, 99.5, 99, 100.2, 10),            // high below open/close: repaired
            new(T0 + 180, 100, 101, 100.4, 100.2, 10),          // low above close: repaired
            new(T0 + 240, 100, 101, 99, 100, 429496726000),     // wrapped volume sentinel
            new(T0 + 300, 100, 101, 99, 100, -5),               // negative volume
            new(T0 + 360, 100, 101, 99, 100, 10),
            new(T0 + 360, 100, 102, 99, 101, 12),               // same minute again: the later one wins
            new(T0 - 3600 * 5, 100, 101, 99, 100, 10),          // 05:00 IST: outside the session
        ];

        var result = CandleSanitizer.Sanitize("NSE:SBIN-EQ", Resolution.OneMinute, candles, "fyers", Nse);

        Assert.Equal(4, result.Accepted.Count);
        Assert.Equal(4, result.Rejected.Count);
        Assert.Equal(1, result.Reasons["non_positive_price"]);
        Assert.Equal(2, result.Reasons["volume_sentinel"]);
        Assert.Equal(1, result.Reasons["repaired_high"]);
        Assert.Equal(1, result.Reasons["repaired_low"]);
        Assert.Equal(1, result.Reasons["duplicate_ts"]);
        Assert.Equal(1, result.Reasons["outside_session"]);
        Assert.Equal(100.2, result.Accepted.Single(r => r.TsUtc == T0 + 120).High);
        Assert.Equal(100.0, result.Accepted.Single(r => r.TsUtc == T0 + 180).Low);
        Assert.Equal(12, result.Accepted.Single(r => r.TsUtc == T0 + 360).Volume);
        Assert.All(result.Accepted, r => Assert.True(r.Low <= Math.Min(r.Open, r.Close) && r.High >= Math.Max(r.Open, r.Close)));
    }

    [Fact]
    public void Sanitize_AnswerOutOfTimeOrder_IsSortedAndTheLaterOfTwoBarsWins()
    {
        Candle[] candles =
        [
            new(T0 + 120, 100, 101, 99, 100, 3),
            new(T0, 100, 101, 99, 100, 1),
            new(T0 + 60, 100, 101, 99, 100, 2),
            new(T0, 100, 101, 99, 100, 9),      // T0 again, not next to the first: still the later one wins
            new(T0 + 180, 100, 101, 99, 100, 4),
            new(T0 + 180, 100, 101, 99, 100, 5), // next to its twin
        ];

        var result = CandleSanitizer.Sanitize("NSE:SBIN-EQ", Resolution.OneMinute, candles, "fyers", Nse);

        Assert.Equal([T0, T0 + 60, T0 + 120, T0 + 180], result.Accepted.Select(r => r.TsUtc));
        Assert.Equal([9L, 2, 3, 5], result.Accepted.Select(r => r.Volume));
        Assert.Equal(2, result.Reasons["duplicate_ts"]);
    }
}
