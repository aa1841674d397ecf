using PriceFeed.Fyers.Data;

namespace PriceFeed.Fyers.Tests.Data;

public sealed class MarketTimeTests
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    /// <summary>The arithmetic fast path against the zone database, over every hour from 1940 to 2100.</summary>
    [Fact]
    public void IstDateAndMinute_ByArithmetic_MatchTheZoneDatabase_FromTheWarYearsOn()
    {
        var checkedInstants = 0;
        for (var t = new DateTimeOffset(1940, 1, 1, 0, 0, 0, TimeSpan.Zero); t.Year < 2100; t = t.AddMinutes(61))
        {
            var seconds = t.ToUnixTimeSeconds();
            var local = TimeZoneInfo.ConvertTime(t, Kolkata);
            Assert.Equal(DateOnly.FromDateTime(local.DateTime), MarketTime.IstDate(seconds));
            Assert.Equal((int)local.TimeOfDay.TotalMinutes, MarketTime.IstMinuteOfDay(seconds));
            Assert.Equal(local, MarketTime.ToIst(t));
            Assert.Equal(local.Offset, MarketTime.ToIst(t).Offset);
            checkedInstants++;
        }

        Assert.True(checkedInstants > 1_000_000);
    }

    [Theory]
    [InlineData(1780285500L, "2026-06-01", 555)]  // 09:15 IST
    [InlineData(1780252200L, "2026-06-01", 0)]    // 00:00 IST
    [InlineData(1780252199L, "2026-05-31", 1439)] // 23:59:59 IST the day before
    public void IstDateAndMinute_KnownInstants(long seconds, string date, int minute)
    {
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), MarketTime.IstDate(seconds));
        Assert.Equal(minute, MarketTime.IstMinuteOfDay(seconds));
    }
}
