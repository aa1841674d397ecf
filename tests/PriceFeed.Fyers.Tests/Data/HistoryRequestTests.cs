using PriceFeed.Fyers.Data;

namespace PriceFeed.Fyers.Tests.Data;

public sealed class HistoryRequestTests
{
    [Fact]
    public void Split_400DaysOfOneMinute_GivesFourAdjacentChunksOfAtMost100Days()
    {
        var from = new DateOnly(2025, 1, 1);
        var to = from.AddDays(399);

        var chunks = HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, from, to).Split();

        Assert.Equal(4, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.FitsOneRequest));
        Assert.Equal(from, chunks[0].FromDate);
        Assert.Equal(to, chunks[^1].ToDate);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].ToDate!.Value.AddDays(1), chunks[i].FromDate);
        }
    }

    [Fact]
    public void Split_DailyYearAndADay_GivesTwoChunksOf366DaysAtMost()
    {
        var chunks = HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2024, 1, 1), new(2024, 12, 31)).Split();

        Assert.Single(chunks);
        Assert.Equal(2, HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2024, 1, 1), new(2025, 1, 1)).Split().Count);
    }

    [Fact]
    public void Split_InstantRange_CoversEverySecondOnce()
    {
        var from = DateTimeOffset.Parse("2025-01-01T03:45:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var to = from.AddDays(250);

        var chunks = HistoryRequest.ForRange("NSE:SBIN-EQ", Resolution.Parse("5"), from, to).Split();

        Assert.Equal(3, chunks.Count);
        Assert.Equal(from, chunks[0].From);
        Assert.Equal(to, chunks[^1].To);
        Assert.Equal(chunks[0].To.AddSeconds(1), chunks[1].From);
        Assert.All(chunks, c => Assert.True(c.FitsOneRequest));
    }

    [Fact]
    public void ToQuery_EpochRange_UsesDateFormatZero()
    {
        var request = HistoryRequest.ForRange("NSE:M&M-EQ", Resolution.Parse("15"), DateTimeOffset.FromUnixTimeSeconds(1764215100), DateTimeOffset.FromUnixTimeSeconds(1764237600));

        Assert.Equal("symbol=NSE%3AM%26M-EQ&resolution=15&date_format=0&range_from=1764215100&range_to=1764237600&cont_flag=1", request.ToQuery());
    }

    [Fact]
    public void ForDates_BeforeJuly2017_IsRefusedWithTheReason()
    {
        var error = Assert.Throws<ArgumentException>(() => HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2017, 7, 2), new(2017, 7, 10)));
        Assert.Contains("2017-07-03", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForDates_EndBeforeStart_IsRefused() =>
        Assert.Throws<ArgumentException>(() => HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2025, 2, 1), new(2025, 1, 1)));

    [Theory]
    [InlineData("1", ResolutionKind.Minutes, 100)]
    [InlineData("240", ResolutionKind.Minutes, 100)]
    [InlineData("5S", ResolutionKind.Seconds, 30)]
    [InlineData("1D", ResolutionKind.Daily, 366)]
    [InlineData("D", ResolutionKind.Daily, 366)]
    [InlineData("1W", ResolutionKind.Weekly, 366)]
    [InlineData("1M", ResolutionKind.Monthly, 366)]
    public void Resolution_Parse_KnowsRangeLimits(string code, ResolutionKind kind, int maxDays)
    {
        var r = Resolution.Parse(code);
        Assert.Equal(kind, r.Kind);
        Assert.Equal(maxDays, r.MaxDaysPerRequest);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("1H")]
    [InlineData("")]
    public void Resolution_Parse_RefusesUnknownWithTheList(string code)
    {
        Assert.False(Resolution.TryParse(code, out _, out var error));
        Assert.Contains("240", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryChunk_LastBarInsideFetchTime_IsNotComplete()
    {
        var fetchedAt = DateTimeOffset.FromUnixTimeSeconds(1764215400 + 90);
        var done = new Candle(1764215400, 1, 1, 1, 1, 1);
        var forming = new Candle(1764215460, 1, 1, 1, 1, 1);
        var chunk = new HistoryChunk("NSE:SBIN-EQ", Resolution.OneMinute, fetchedAt.AddHours(-1), fetchedAt, [done, forming], fetchedAt, false);

        Assert.True(chunk.IsComplete(done));
        Assert.False(chunk.IsComplete(forming));
        Assert.Equal([done], chunk.CompleteCandles);
    }

    [Fact]
    public void HistoryChunk_DailyBarOfToday_IsNotCompleteUntilAfterTheCloseAndAuction()
    {
        // 2025-11-27 00:00 UTC stamp; fetched 2025-11-27 15:20 IST (session running) and 16:05 IST (after the close).
        var bar = new Candle(1764201600, 1, 1, 1, 1, 1);
        var sameDay = DateTimeOffset.Parse("2025-11-27T09:50:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var nextDay = DateTimeOffset.Parse("2025-11-27T10:35:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(new HistoryChunk("X", Resolution.Daily, sameDay, sameDay, [bar], sameDay, false).IsComplete(bar));
        Assert.True(new HistoryChunk("X", Resolution.Daily, nextDay, nextDay, [bar], nextDay, false).IsComplete(bar));
    }
}
