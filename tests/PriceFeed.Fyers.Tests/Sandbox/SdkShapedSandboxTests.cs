using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Tests.Support;

namespace PriceFeed.Fyers.Tests.Sandbox;

/// <summary>
/// The sandbox answered as FYERS' official SDKs call it: raw query strings, raw bodies, read by
/// <c>r["s"]</c>. As strict as FYERS where FYERS is confirmed, stricter where it is not
/// (docs/fyers-protocol.md §9, §12).
/// </summary>
public sealed class SdkShapedSandboxTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, Ist);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Answer(HttpStatusCode Status, JsonElement Body, bool Synthetic)
    {
        public string S => Body.GetProperty("s").GetString()!;

        public int Code => Body.GetProperty("code").GetInt32();

        public string Message => Body.GetProperty("message").GetString()!;

        public List<long[]> Candles => [.. Body.GetProperty("candles").EnumerateArray().Select(c => c.EnumerateArray().Select(v => (long)Math.Round(v.GetDouble() * 100)).ToArray())];
    }

    private static async Task<Answer> SendAsync(SandboxServer server, FyersTestClient client, HttpMethod method, Uri address, string? authorization)
    {
        using var request = new HttpRequestMessage(method, address);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.Browser.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var doc = JsonDocument.Parse(text);
        return new Answer(response.StatusCode, doc.RootElement.Clone(), response.Headers.Contains(PriceFeed.Sandbox.SandboxEndpoints.SyntheticHeader));
    }

    private static async Task<(SandboxServer Server, FyersTestClient Client, string Authorization)> StartAsync(DateTimeOffset? now = null)
    {
        var at = now ?? FridayMidSession;
        var server = await SandboxServer.StartAsync(time: new FakeTimeProvider(at));
        var client = server.CreateClient(clientTime: new JumpableClock(at));
        var credentials = await client.LogInAsync();
        return (server, client, $"{credentials.ClientId}:{credentials.AccessToken}");
    }

    private static Task<Answer> HistoryAsync(SandboxServer server, FyersTestClient client, string auth, string resolution, string from, string to, string format = "1") =>
        SendAsync(server, client, HttpMethod.Get, new Uri(server.DataBase, $"history?symbol=NSE:SBIN-EQ&resolution={resolution}&date_format={format}&range_from={from}&range_to={to}&cont_flag=1"), auth);

    [Theory]
    [InlineData("5S", 12)]
    [InlineData("10S", 6)]
    [InlineData("15S", 4)]
    [InlineData("30S", 2)]
    public async Task History_SecondsResolutions_AreServedAndAddUpToTheMinuteBars(string resolution, int perMinute)
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var seconds = await HistoryAsync(server, client, auth, resolution, "2026-11-26", "2026-11-26");
        var minutes = await HistoryAsync(server, client, auth, "1", "2026-11-26", "2026-11-26");

        Assert.Equal(("ok", 360 * perMinute), (seconds.S, seconds.Candles.Count));
        var rebuilt = seconds.Candles.Chunk(perMinute).Select(g => new[] { g[0][0], g[0][1], g.Max(c => c[2]), g.Min(c => c[3]), g[^1][4], g.Sum(c => c[5]) }).ToList();
        Assert.Equal(minutes.Candles.Select(c => string.Join(',', c)), rebuilt.Select(c => string.Join(',', c)));
        Assert.All(seconds.Candles, c => Assert.True(c[3] <= Math.Min(c[1], c[4]) && c[2] >= Math.Max(c[1], c[4]), "low <= open, close <= high"));
    }

    [Fact]
    public async Task History_45Seconds_BucketsFromTheOpenAcrossMinuteBoundaries()
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var bars = (await HistoryAsync(server, client, auth, "45S", "2026-11-26", "2026-11-26")).Candles;

        // 360 minutes are 21,600 seconds: 480 buckets of 45 s, each starting 45 s after the last.
        Assert.Equal(480, bars.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 15, 0, Ist).ToUnixTimeSeconds() * 100, bars[0][0]);
        Assert.All(bars.Zip(bars.Skip(1)), p => Assert.Equal(4500, p.Second[0] - p.First[0]));
    }

    [Fact]
    public async Task History_SecondsOlderThan30TradingDays_AreRefused()
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var answer = await HistoryAsync(server, client, auth, "5S", "2026-09-01", "2026-09-01");

        Assert.Equal((HttpStatusCode.BadRequest, "error", -50), (answer.Status, answer.S, answer.Code));
        Assert.Contains("30 trading days", answer.Message, StringComparison.Ordinal);
    }

    /// <summary>Spellings FYERS does not document (45 and 180 minutes are unconfirmed; case matters).</summary>
    [Theory]
    [InlineData("45")]
    [InlineData("180")]
    [InlineData("d")]
    [InlineData("w")]
    [InlineData("m")]
    [InlineData("1w")]
    [InlineData("1m")]
    [InlineData("W")]
    [InlineData("M")]
    [InlineData("5s")]
    [InlineData("20S")]
    public async Task History_UndocumentedSpellings_AreRefusedWithMinus50(string resolution)
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var answer = await HistoryAsync(server, client, auth, resolution, "2026-11-23", "2026-11-26");

        Assert.Equal((HttpStatusCode.BadRequest, "error", -50, $"Invalid resolution {resolution}"), (answer.Status, answer.S, answer.Code, answer.Message));
    }

    [Fact]
    public async Task History_WeeklyBar_CoversTheWholeCalendarWeekWhateverDayIsAsked()
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var week = (await HistoryAsync(server, client, auth, "1W", "2026-11-18", "2026-11-18")).Candles;
        var days = (await HistoryAsync(server, client, auth, "D", "2026-11-16", "2026-11-22")).Candles;

        Assert.Equal(5, days.Count);
        var expected = new[] { days[0][0], days[0][1], days.Max(c => c[2]), days.Min(c => c[3]), days[^1][4], days.Sum(c => c[5]) };
        Assert.Equal(string.Join(',', expected), string.Join(',', Assert.Single(week)));
    }

    [Fact]
    public async Task History_MonthlyBar_ForPartOfAMonth_IsTheWholeMonthSoFar()
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var month = (await HistoryAsync(server, client, auth, "1M", "2026-11-20", "2026-11-30")).Candles;
        var days = (await HistoryAsync(server, client, auth, "D", "2026-11-01", "2026-11-30")).Candles;

        // 1 Nov 2026 is a Sunday: the bar is stamped 00:00 UTC of Monday 2 Nov, the first trading day.
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() * 100, days[0][0]);
        var expected = new[] { days[0][0], days[0][1], days.Max(c => c[2]), days.Min(c => c[3]), days[^1][4], days.Sum(c => c[5]) };
        Assert.Equal(string.Join(',', expected), string.Join(',', Assert.Single(month)));
    }

    [Theory]
    [InlineData("1", "2026-11-26", "2026-11-23")]
    [InlineData("0", "1764133200", "1764133140")]
    public async Task History_ReversedRange_SaysSo(string format, string from, string to)
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var answer = await HistoryAsync(server, client, auth, "1", from, to, format);

        Assert.Equal((HttpStatusCode.BadRequest, -50, "Invalid input: range_from is after range_to"), (answer.Status, answer.Code, answer.Message));
    }

    [Theory]
    [InlineData("GET", "data/nothing")]
    [InlineData("POST", "data/quotes")]
    [InlineData("GET", "api/v3/funds")]
    public async Task UnservedRoute_AnswersFyersShapedJson(string method, string path)
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var answer = await SendAsync(server, client, new HttpMethod(method), new Uri(server.Origin, SandboxServer.Prefix.TrimStart('/') + "/" + path), auth);

        Assert.Equal((HttpStatusCode.NotFound, "error", -404, true), (answer.Status, answer.S, answer.Code, answer.Synthetic));
    }

    [Theory]
    [InlineData("NSE:SBIN-EQ,%20NSE:TCS-EQ")]
    [InlineData("NSE:SBIN-EQ,,NSE:TCS-EQ")]
    [InlineData("NSE:SBIN-EQ,")]
    [InlineData("%20NSE:SBIN-EQ")]
    public async Task Quotes_SpacesOrEmptyItems_AreRefused(string symbols)
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var answer = await SendAsync(server, client, HttpMethod.Get, new Uri(server.DataBase, "quotes?symbols=" + symbols), auth);

        Assert.Equal((HttpStatusCode.BadRequest, "error", -50), (answer.Status, answer.S, answer.Code));
    }

    [Fact]
    public async Task Depth_ForAnIndex_IsRefusedNotMadeUp()
    {
        var (server, client, auth) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        var index = await SendAsync(server, client, HttpMethod.Get, new Uri(server.DataBase, "depth?symbol=NSE:NIFTY50-INDEX&ohlcv_flag=1"), auth);
        var stock = await SendAsync(server, client, HttpMethod.Get, new Uri(server.DataBase, "depth?symbol=NSE:SBIN-EQ&ohlcv_flag=1"), auth);

        Assert.Equal((HttpStatusCode.BadRequest, -50), (index.Status, index.Code));
        Assert.Equal(5, stock.Body.GetProperty("d").GetProperty("NSE:SBIN-EQ").GetProperty("bids").GetArrayLength());
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("&state=", HttpStatusCode.BadRequest)]
    [InlineData("&state=None", HttpStatusCode.OK)]
    public async Task Login_WithoutState_IsRefused_TheSdksNoneIsAState(string state, HttpStatusCode expected)
    {
        await using var server = await SandboxServer.StartAsync(time: new FakeTimeProvider(FridayMidSession));
        using var client = server.CreateClient();
        var address = new Uri(server.AuthBase, $"generate-authcode?client_id={PriceFeed.Sandbox.SandboxDefaults.ClientId}&redirect_uri={Uri.EscapeDataString(SandboxServer.RedirectUri.AbsoluteUri)}&response_type=code{state}");

        using var response = await client.Browser.GetAsync(address, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Contains("\"code\":-50", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }
}
