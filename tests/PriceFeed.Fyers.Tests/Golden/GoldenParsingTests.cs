using System.Net;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Tests.Support;

namespace PriceFeed.Fyers.Tests.Golden;

/// <summary>Pins how the client reads the bodies the reference quotes (§2.4, §4.2-§4.5).</summary>
public sealed class GoldenParsingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Quotes_DocsExample_ParsesEveryField()
    {
        using var replay = new ReplayClient("quotes.json");
        var result = await replay.Data.GetQuotesAsync(["NSE:SBIN-EQ", "NSE:BADSYM-EQ"], ReplayClient.Credentials, Ct);

        var q = Assert.Single(result.Quotes);
        Assert.Equal(new Quote("NSE:SBIN-EQ", 426.9, 1.7, 0.4, 426.85, 426.9, 430.5, 433.65, 423.6, 425.2, 428.07, 38977242, "10100000003045", new DateOnly(2021, 5, 28)), q);
        Assert.False(result.IsSynthetic);
    }

    [Fact]
    public async Task Quotes_ErrorItemInBatch_IsKeptWithCode()
    {
        using var replay = new ReplayClient("quotes.json");
        var result = await replay.Data.GetQuotesAsync(["NSE:SBIN-EQ", "NSE:BADSYM-EQ"], ReplayClient.Credentials, Ct);

        var error = Assert.Single(result.Errors);
        Assert.Equal(new QuoteError("NSE:BADSYM-EQ", -300, "Please provide a valid symbol"), error);
    }

    [Fact]
    public async Task Quotes_Request_EncodesSymbolsAndSendsClientIdColonToken()
    {
        using var replay = new ReplayClient("quotes.json");
        await replay.Data.GetQuotesAsync(["NSE:SBIN-EQ", "NSE:BADSYM-EQ"], ReplayClient.Credentials, Ct);

        var request = Assert.Single(replay.Handler.Requests);
        Assert.Equal("https://api-t1.fyers.in/data/quotes?symbols=NSE%3ASBIN-EQ%2CNSE%3ABADSYM-EQ", request.RequestUri!.AbsoluteUri);
        Assert.Equal("ABCD1234-100:header.payload.signature", Assert.Single(request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public async Task History_DocsExample_ParsesDailyCandle()
    {
        using var replay = new ReplayClient("history.json");
        var chunk = await replay.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2021, 5, 24), new(2021, 5, 24)), ReplayClient.Credentials, Ct);

        Assert.Equal(new Candle(1621814400, 417.0, 419.2, 405.3, 412.05, 142964052), Assert.Single(chunk.Candles));
        Assert.Equal("https://api-t1.fyers.in/data/history?symbol=NSE%3ASBIN-EQ&resolution=D&date_format=1&range_from=2021-05-24&range_to=2021-05-24&cont_flag=1", Assert.Single(replay.Handler.Requests).RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void HistoryParser_SeventhElement_IsOpenInterest()
    {
        var candles = new List<Candle>();
        var body = HistoryParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "history-oi.json")), candles);

        Assert.Equal("ok", body.Status);
        Assert.Equal([10500000L, 10512000L], candles.Select(c => c.OpenInterest!.Value));
        Assert.Equal(19718.45, candles[1].Close);
    }

    [Fact]
    public async Task History_NoData_IsAnEmptyChunkNotAnError()
    {
        using var replay = new ReplayClient("history-nodata.json");
        var chunk = await replay.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, new(2026, 1, 26), new(2026, 1, 26)), ReplayClient.Credentials, Ct);

        Assert.Empty(chunk.Candles);
    }

    [Fact]
    public async Task Depth_DocsShape_ReadsBidsAndSingularAsk()
    {
        using var replay = new ReplayClient("depth.json");
        var depth = await replay.Data.GetDepthAsync("NSE:SBIN-EQ", ReplayClient.Credentials, Ct);

        Assert.Equal(5, depth.Bids.Count);
        Assert.Equal(new DepthLevel(426.85, 1505, 5), depth.Bids[0]);
        Assert.Equal(new DepthLevel(427.1, 2044, 12), depth.Asks[4]);
        Assert.Equal(0.05, depth.TickSize);
        Assert.Equal(426.9, depth.LastPrice);
        Assert.Equal(2396429, depth.TotalBuyQuantity);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1622178000), depth.LastTradeTime);
    }

    [Fact]
    public async Task MarketStatus_DocsExample_ParsesRows()
    {
        using var replay = new ReplayClient("marketStatus.json");
        var rows = await replay.Data.GetMarketStatusAsync(ReplayClient.Credentials, Ct);

        Assert.Equal([new MarketStatusEntry(10, 10, "NORMAL", "POSTCLOSE_CLOSED"), new MarketStatusEntry(10, 11, "NORMAL", "OPEN")], rows);
        Assert.True(rows[1].IsOpen);
    }

    [Theory]
    [InlineData("error-8.json", -8, FyersErrorKind.TokenInvalid)]
    [InlineData("error-15.json", -15, FyersErrorKind.TokenInvalid)]
    [InlineData("error-16.json", -16, FyersErrorKind.TokenInvalid)]
    [InlineData("error-16-logout.json", -16, FyersErrorKind.TokenInvalid)]
    [InlineData("error-17.json", -17, FyersErrorKind.TokenInvalid)]
    [InlineData("error-429.json", -429, FyersErrorKind.RateLimited)]
    [InlineData("error-353.json", -353, FyersErrorKind.RateLimited)]
    [InlineData("error-300.json", -300, FyersErrorKind.InvalidSymbol)]
    [InlineData("error-437.json", -437, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-441.json", -441, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-371.json", -371, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-374.json", -374, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-501.json", -501, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-352.json", -352, FyersErrorKind.InvalidApp)]
    [InlineData("error-96.json", -96, FyersErrorKind.ServerError)]
    [InlineData("error-50.json", -50, FyersErrorKind.InvalidRequest)]
    public async Task ErrorBody_InHttp200_ThrowsTypedError(string file, int code, FyersErrorKind kind)
    {
        using var replay = new ReplayClient(file);
        var error = await Assert.ThrowsAsync<FyersApiException>(() => replay.Data.GetMarketStatusAsync(ReplayClient.Credentials, Ct));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.FyersCode);
        Assert.Contains($"code {code}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error-16.json", HttpStatusCode.Unauthorized, FyersErrorKind.TokenInvalid)]
    [InlineData("error-437.json", HttpStatusCode.BadRequest, FyersErrorKind.AuthCodeRejected)]
    [InlineData("error-429.json", HttpStatusCode.TooManyRequests, FyersErrorKind.RateLimited)]
    public async Task ErrorBody_WithErrorStatus_MapsByFyersCode(string file, HttpStatusCode status, FyersErrorKind kind)
    {
        using var replay = new ReplayClient(file, status);
        var error = await Assert.ThrowsAsync<FyersApiException>(() => replay.Data.GetMarketStatusAsync(ReplayClient.Credentials, Ct));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.HttpStatus);
    }

    [Fact]
    public async Task TokenInvalid_Message_TellsThePersonToLogInAgain()
    {
        using var replay = new ReplayClient("error-15.json");
        var error = await Assert.ThrowsAsync<FyersApiException>(() => replay.Data.GetMarketStatusAsync(ReplayClient.Credentials, Ct));

        Assert.Contains("Log in again", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ReplayClient.Credentials.AccessToken, error.Message, StringComparison.Ordinal);
    }
}
