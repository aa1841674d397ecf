using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Tests.Support;

namespace PriceFeed.Fyers.Tests.Sandbox;

/// <summary>The sandbox's market data is deterministic, plausible and only inside IST sessions.</summary>
public sealed class SyntheticDataTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, Ist);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(SandboxServer Server, FyersTestClient Client, PriceFeed.Fyers.Auth.FyersCredentials Credentials)> StartAsync(DateTimeOffset now)
    {
        // The sandbox's clock stands still (partial bars stay put); the client's flows from the same instant.
        var server = await SandboxServer.StartAsync(time: new FakeTimeProvider(now));
        var client = server.CreateClient(clientTime: new JumpableClock(now));
        return (server, client, await client.LogInAsync());
    }

    [Fact]
    public async Task History_SameRequestTwice_IsIdentical()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        var request = HistoryRequest.ForDates("NSE:RELIANCE-EQ", Resolution.OneMinute, new(2026, 11, 23), new(2026, 11, 26));

        var first = await client.Data.GetHistoryChunkAsync(request, credentials, Ct);
        var second = await client.Data.GetHistoryChunkAsync(request, credentials, Ct);

        Assert.Equal(4 * 360, first.Candles.Count);
        Assert.Equal(first.Candles, second.Candles);
    }

    [Fact]
    public async Task History_ClosingAuctionEra_StocksEndAt1514_IndicesAndEarlierDaysAt1529()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        async Task<IReadOnlyList<Candle>> DayAsync(string symbol, DateOnly day) =>
            (await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates(symbol, Resolution.OneMinute, day, day), credentials, Ct)).Candles;
        static string Last(IReadOnlyList<Candle> bars) => bars[^1].Start.ToOffset(TimeSpan.FromMinutes(330)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        // The last trading day before the closing auction session, and its first day (docs/fyers-protocol.md §9).
        var before = await DayAsync("NSE:SBIN-EQ", new(2026, 7, 31));
        var stock = await DayAsync("NSE:SBIN-EQ", new(2026, 8, 3));
        var index = await DayAsync("NSE:NIFTY50-INDEX", new(2026, 8, 3));

        Assert.Equal((375, "15:29"), (before.Count, Last(before)));
        Assert.Equal((360, "15:14"), (stock.Count, Last(stock)));
        Assert.Equal((375, "15:29"), (index.Count, Last(index)));
    }

    [Fact]
    public async Task History_Bars_AreConsistentAndInsideTheSession()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;

        var chunk = await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, new(2026, 11, 16), new(2026, 11, 27)), credentials, Ct);

        Assert.All(chunk.Candles, c =>
        {
            Assert.True(c.Low > 0 && c.Low <= Math.Min(c.Open, c.Close) && c.High >= Math.Max(c.Open, c.Close), $"bad bar {c}");
            Assert.True(c.Volume >= 0);
            var ist = c.Start.ToOffset(Ist);
            Assert.InRange(ist.TimeOfDay, new TimeSpan(9, 15, 0), new TimeSpan(15, 29, 0));
            Assert.False(ist.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        });
        Assert.Equal(FridayMidSession.AddSeconds(-30), chunk.Candles[^1].Start);
        Assert.False(chunk.IsComplete(chunk.Candles[^1]));
        Assert.True(chunk.IsComplete(chunk.Candles[^2]));
    }

    [Fact]
    public async Task History_FiveMinuteBars_AggregateTheMinuteBars()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        var day = new DateOnly(2026, 11, 26);

        var minutes = (await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:TCS-EQ", Resolution.OneMinute, day, day), credentials, Ct)).Candles;
        var fives = (await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:TCS-EQ", Resolution.Parse("5"), day, day), credentials, Ct)).Candles;
        var daily = Assert.Single((await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:TCS-EQ", Resolution.Daily, day, day), credentials, Ct)).Candles);

        Assert.Equal(72, fives.Count); // 09:15-15:14: a stock in the closing-auction era
        var third = minutes.Skip(10).Take(5).ToList();
        Assert.Equal(new Candle(third[0].Time, third[0].Open, third.Max(c => c.High), third.Min(c => c.Low), third[^1].Close, third.Sum(c => c.Volume)), fives[2]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), daily.Start);
        Assert.Equal((minutes[0].Open, minutes[^1].Close, minutes.Sum(c => c.Volume)), (daily.Open, daily.Close, daily.Volume));
    }

    [Fact]
    public async Task History_WeekendOnly_IsEmpty()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;

        var chunk = await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, new(2026, 11, 21), new(2026, 11, 22)), credentials, Ct);

        Assert.Empty(chunk.Candles);
    }

    [Fact]
    public async Task History_BeforeTheOpen_HasNothingForToday()
    {
        var (server, client, credentials) = await StartAsync(new DateTimeOffset(2026, 11, 27, 9, 0, 0, Ist));
        await using var _ = server;
        using var __ = client;

        var chunk = await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, new(2026, 11, 27), new(2026, 11, 27)), credentials, Ct);

        Assert.Empty(chunk.Candles);
    }

    [Fact]
    public async Task History_EmptyFault_AnswersOkWithNoCandles()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        server.State.Faults.EmptyHistory = true;

        var chunk = await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, new(2026, 11, 26), new(2026, 11, 26)), credentials, Ct);

        Assert.Empty(chunk.Candles);
    }

    [Fact]
    public async Task Quotes_LastPrice_IsTheFormingMinutesClose()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;

        var quote = Assert.Single((await client.Data.GetQuotesAsync(["NSE:INFY-EQ"], credentials, Ct)).Quotes);
        var minutes = (await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:INFY-EQ", Resolution.OneMinute, new(2026, 11, 27), new(2026, 11, 27)), credentials, Ct)).Candles;

        Assert.Equal(minutes[^1].Close, quote.LastPrice);
        Assert.Equal(minutes[0].Open, quote.Open);
        Assert.Equal(minutes.Sum(c => c.Volume), quote.Volume);
        Assert.Equal(new DateOnly(2026, 11, 27), quote.TradingDay);
    }

    [Fact]
    public async Task MarketStatus_FollowsTheSandboxClock()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;

        var rows = await client.Data.GetMarketStatusAsync(credentials, Ct);

        Assert.Contains(rows, r => r is { Exchange: 10, Segment: 10 } && r.IsOpen);
    }

    [Fact]
    public void ProductionDefaults_PointAtFyersAndNeverAtTheSandbox()
    {
        var options = new FyersOptions();

        Assert.Equal("https://api-t1.fyers.in/api/v3/", options.AuthBaseUri.AbsoluteUri);
        Assert.Equal("https://api-t1.fyers.in/data/", options.DataBaseUri.AbsoluteUri);
        Assert.False(options.UseSandbox);
    }

    [Fact]
    public void Options_LoopbackWithoutSandboxSwitch_AreRefused()
    {
        IValidateOptions<FyersOptions> validator = new FyersOptionsValidator();

        var result = validator.Validate(null, new FyersOptions { DataBaseUri = new Uri("http://127.0.0.1:8080/sandbox/fyers/data/") });

        Assert.True(result.Failed);
        Assert.Contains("--sandbox", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The sandbox refuses what FYERS refuses, so a lenient sandbox cannot hide a client bug.</summary>
    [Theory]
    [InlineData("7", "2026-11-02", "2026-11-03")]
    [InlineData("1000", "2026-11-02", "2026-11-03")]
    [InlineData("1", "2017-06-30", "2017-07-05")]
    public async Task History_ResolutionOrDateFyersDoesNotHave_IsRefusedWithMinus50(string resolution, string from, string to)
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.DataBase, $"history?symbol=NSE:SBIN-EQ&resolution={resolution}&date_format=1&range_from={from}&range_to={to}&cont_flag=1"));
        request.Headers.TryAddWithoutValidation("Authorization", $"{credentials.ClientId}:{credentials.AccessToken}");

        using var response = await client.Browser.SendAsync(request, Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":-50", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_MissingAndTruncatedDayFaults_LeaveOutAndCutThoseDays()
    {
        var (server, client, credentials) = await StartAsync(FridayMidSession);
        await using var _ = server;
        using var __ = client;
        server.State.Faults.MissingDays = [new DateOnly(2026, 11, 25)];
        server.State.Faults.TruncatedDays = [new DateOnly(2026, 11, 26)];

        var chunk = await client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:NIFTY50-INDEX", Resolution.OneMinute, new(2026, 11, 25), new(2026, 11, 26)), credentials, Ct);

        var perDay = chunk.Candles.GroupBy(c => MarketTime.IstDate(DateTimeOffset.FromUnixTimeSeconds(c.Time))).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<DateOnly, int> { [new DateOnly(2026, 11, 26)] = 187 }, perDay);
    }
}
