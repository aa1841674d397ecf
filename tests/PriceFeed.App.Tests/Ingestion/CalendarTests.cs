using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;

namespace PriceFeed.App.Tests.Ingestion;

public sealed class CalendarTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly MarketCalendar Nse = MarketCalendar.Load(new CalendarOptions());

    [Theory]
    [InlineData("2026-11-27", true)]  // Friday
    [InlineData("2026-11-28", false)] // Saturday
    [InlineData("2026-11-24", false)] // Guru Nanak Jayanti
    [InlineData("2026-01-26", false)] // Republic Day
    [InlineData("2025-02-26", false)] // Mahashivratri
    [InlineData("2025-02-27", true)]
    public void IsTradingDay_KnowsWeekendsAndHolidays(string date, bool trading) =>
        Assert.Equal(trading, Nse.IsTradingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void SessionOn_NormalDay_Is0915To1530Ist()
    {
        var session = Nse.SessionOn(new DateOnly(2026, 11, 27))!;

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 15, 0, Ist), session.Open);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 15, 30, 0, Ist), session.Close);
        Assert.Equal(Ist, session.Open.Offset);
    }

    [Fact]
    public void SessionOn_Muhurat_IsAShortSpecialSessionOnAHoliday()
    {
        var muhurat = Nse.SessionOn(new DateOnly(2025, 10, 21))!;

        Assert.True(muhurat.IsSpecial);
        Assert.Equal(new DateTimeOffset(2025, 10, 21, 13, 45, 0, Ist), muhurat.Open);
        Assert.Equal(TimeSpan.FromHours(1), muhurat.Length);
        Assert.Equal(60, Nse.ExpectedBars(muhurat, Resolution.OneMinute, isFnoStock: true));
    }

    [Fact]
    public void SessionOn_SundayMuhurat_IsTrading()
    {
        Assert.Equal(DayOfWeek.Sunday, new DateOnly(2026, 11, 8).DayOfWeek);
        Assert.True(Nse.IsTradingDay(new DateOnly(2026, 11, 8)));
    }

    [Fact]
    public void ExpectedBars_FnoStockAfterClosingAuctionStart_StopsAt1515()
    {
        var before = Nse.SessionOn(new DateOnly(2026, 7, 31))!;
        var after = Nse.SessionOn(new DateOnly(2026, 8, 3))!;

        Assert.Equal(375, Nse.ExpectedBars(before, Resolution.OneMinute, isFnoStock: true));
        Assert.Equal(360, Nse.ExpectedBars(after, Resolution.OneMinute, isFnoStock: true));
        Assert.Equal(375, Nse.ExpectedBars(after, Resolution.OneMinute, isFnoStock: false));
        Assert.Equal(75, Nse.ExpectedBars(before, Resolution.Parse("5"), isFnoStock: false));
    }

    [Fact]
    public void SessionAt_UtcInstant_IsJudgedInIst()
    {
        // 03:44 UTC is 09:14 IST (closed); 03:45 UTC is 09:15 IST (open): a UTC host must not shift this.
        Assert.Null(Nse.SessionAt(new DateTimeOffset(2026, 11, 27, 3, 44, 59, TimeSpan.Zero)));
        Assert.NotNull(Nse.SessionAt(new DateTimeOffset(2026, 11, 27, 3, 45, 0, TimeSpan.Zero)));
        Assert.Null(Nse.SessionAt(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void NextSessionAfter_FridayEvening_IsMondayMorning()
    {
        var next = Nse.NextSessionAfter(new DateTimeOffset(2026, 11, 27, 18, 0, 0, Ist))!;
        Assert.Equal(new DateOnly(2026, 11, 30), next.Date);
    }

    [Fact]
    public void Load_AddedHolidayAndReplacementFile_AreHonoured()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"version":"test","normalSession":{"open":"10:00:00","close":"11:00:00"},"holidays":{"2026":[]},"specialSessions":[]}""");
        try
        {
            var custom = MarketCalendar.Load(new CalendarOptions { File = file, Holidays = "2026-11-26=Election day" });

            Assert.Equal("test", custom.Version);
            Assert.False(custom.IsTradingDay(new DateOnly(2026, 11, 26)));
            Assert.Equal("Election day", custom.HolidayName(new DateOnly(2026, 11, 26)));
            Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, Ist), custom.SessionOn(new DateOnly(2026, 11, 27))!.Open);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Load_UnreadableFile_SaysWhichFile() =>
        Assert.Contains("/nope.json", Assert.Throws<InvalidOperationException>(() => MarketCalendar.Load(new CalendarOptions { File = "/nope.json" })).Message, StringComparison.Ordinal);

    [Fact]
    public void Covers_2025To2027()
    {
        Assert.True(Nse.Covers(new DateOnly(2025, 1, 1)));
        Assert.True(Nse.Covers(new DateOnly(2027, 12, 31)));
        Assert.False(Nse.Covers(new DateOnly(2028, 1, 3)));
    }
}
