using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.Fyers.Tests.Http;

/// <summary>The client's data calls, limits and failures against the sandbox over real HTTP.</summary>
public sealed class FyersClientSandboxTests
{
    private static readonly DateTimeOffset FridayMorning = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Quotes_120Symbols_Are3CallsOf50AtMost_AndBadSymbolsAreKept()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();
        var symbols = Enumerable.Range(1, 119).Select(i => $"NSE:SYN{i:000}-EQ").Append("NSE:NOPE-EQ").ToList();

        var result = await client.Data.GetQuotesAsync(symbols, credentials, Ct);

        Assert.Equal(3, server.State.RequestsTo("data/quotes"));
        Assert.Equal(119, result.Quotes.Count);
        Assert.Equal(new QuoteError("NSE:NOPE-EQ", -300, "Please provide a valid symbol"), Assert.Single(result.Errors));
        Assert.True(result.IsSynthetic);
        Assert.All(result.Quotes, q => Assert.True(q.LastPrice > 0));
    }

    [Fact]
    public async Task History_400DaysOfOneMinute_IsFetchedInFourAllowedChunks()
    {
        var clock = new FakeTimeProvider(FridayMorning);
        await using var server = await SandboxServer.StartAsync(time: clock);
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();
        var to = DateOnly.FromDateTime(FridayMorning.DateTime);
        var request = HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.OneMinute, to.AddDays(-399), to);

        var chunks = new List<HistoryChunk>();
        await foreach (var chunk in client.Data.GetHistoryAsync(request, credentials, Ct))
        {
            chunks.Add(chunk);
        }

        Assert.Equal(4, server.State.RequestsTo("data/history"));
        Assert.Equal(4, chunks.Count);
        var all = chunks.SelectMany(c => c.Candles).ToList();
        Assert.Equal(all.Count, all.Select(c => c.Time).Distinct().Count());
        Assert.True(all.Count > 250 * 375, $"only {all.Count} bars");
        Assert.All(chunks, c => Assert.True(c.IsSynthetic));
    }

    [Fact]
    public async Task RateLimited_WithoutRetryAfter_RetriesOnlyAfterTheMinute()
    {
        var clock = new FakeTimeProvider(FridayMorning);
        await using var server = await SandboxServer.StartAsync(o => o.SendRetryAfter = false, clock);
        using var client = server.CreateClient(clientTime: clock);
        var credentials = await client.LogInAsync();
        server.State.Faults.Force429(1);
        var started = clock.GetUtcNow();

        var status = await FakeClockPump.RunAsync(client.Data.GetMarketStatusAsync(credentials, Ct), clock, client.Limiter);

        Assert.NotEmpty(status);
        Assert.Equal(1, server.State.RateLimiter.TooManyRequestsSent);
        Assert.Equal(0, server.State.RateLimiter.RequestsBeforeRetryAfter);
        Assert.Equal(2, server.State.RequestsTo("data/marketStatus"));
        Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task RateLimited_Storm_NeverSendsInsideTheRefusedMinute()
    {
        var clock = new FakeTimeProvider(FridayMorning);
        await using var server = await SandboxServer.StartAsync(time: clock);
        using var client = server.CreateClient(o => o.MaxRetryAttempts = 5, clock);
        var credentials = await client.LogInAsync();
        server.State.Faults.Force429(4);

        var status = await FakeClockPump.RunAsync(client.Data.GetMarketStatusAsync(credentials, Ct), clock, client.Limiter);

        Assert.NotEmpty(status);
        Assert.Equal(4, server.State.RateLimiter.TooManyRequestsSent);
        Assert.Equal(0, server.State.RateLimiter.RequestsBeforeRetryAfter);
    }

    [Fact]
    public async Task RateLimited_ServerBudgetSmallerThanOurs_HonoursItsRetryAfter()
    {
        var clock = new FakeTimeProvider(FridayMorning);
        await using var server = await SandboxServer.StartAsync(o => (o.RequestsPerMinute, o.SendRetryAfter) = (5, true), clock);
        using var client = server.CreateClient(clientTime: clock);
        var credentials = await client.LogInAsync();
        server.State.ResetCounters();

        for (var i = 0; i < 8; i++)
        {
            await FakeClockPump.RunAsync(client.Data.GetMarketStatusAsync(credentials, Ct), clock, client.Limiter);
        }

        Assert.Equal(8, server.State.RateLimiter.Accepted);
        Assert.Equal(1, server.State.RateLimiter.TooManyRequestsSent);
        Assert.Equal(0, server.State.RateLimiter.RequestsBeforeRetryAfter);
    }

    [Fact]
    public async Task RateLimited_NoRetriesLeft_IsRateLimitedKind()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient(o => o.MaxRetryAttempts = 0);
        var credentials = await client.LogInAsync();
        server.State.Faults.Force429(1);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetMarketStatusAsync(credentials, Ct));

        Assert.Equal(FyersErrorKind.RateLimited, error.Kind);
        Assert.Equal(-429, error.FyersCode);
        Assert.True(client.Limiter.PausedUntil > TimeProvider.System.GetUtcNow().AddSeconds(50));
    }

    [Fact]
    public async Task ServerErrors_Transient_AreRetriedToSuccess()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();
        server.State.Faults.ServerErrors(2);

        var status = await client.Data.GetMarketStatusAsync(credentials, Ct);

        Assert.NotEmpty(status);
        Assert.Equal(3, server.State.RequestsTo("data/marketStatus"));
    }

    [Fact]
    public async Task ServerErrors_Persistent_AreServerErrorAfterRetries()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient(o => o.MaxRetryAttempts = 2);
        var credentials = await client.LogInAsync();
        server.State.Faults.ServerErrorRate = 1.0;

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetMarketStatusAsync(credentials, Ct));

        Assert.Equal(FyersErrorKind.ServerError, error.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatus);
        Assert.Equal(3, server.State.RequestsTo("data/marketStatus"));
    }

    [Fact]
    public async Task MalformedJson_IsUnexpectedResponse()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();
        server.State.Faults.MalformedJson(1);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetQuotesAsync(["NSE:SBIN-EQ"], credentials, Ct));

        Assert.Equal(FyersErrorKind.UnexpectedResponse, error.Kind);
    }

    [Fact]
    public async Task SlowServer_PastAttemptTimeout_IsNetworkKind()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient(o => { o.AttemptTimeout = TimeSpan.FromMilliseconds(200); o.MaxRetryAttempts = 0; });
        var credentials = await client.LogInAsync();
        server.State.Faults.Latency = TimeSpan.FromSeconds(5);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetMarketStatusAsync(credentials, Ct));

        Assert.Equal(FyersErrorKind.Network, error.Kind);
        Assert.Contains("did not answer in time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_IsNetworkKind()
    {
        await using var server = await SandboxServer.StartAsync();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = server.CreateClient(o => { o.DataBaseUri = new Uri($"http://127.0.0.1:{port}/data/"); o.MaxRetryAttempts = 1; });

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetMarketStatusAsync(new("SANDBOX01-100", "a.b.c"), Ct));

        Assert.Equal(FyersErrorKind.Network, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task RevokedTokens_AreTokenInvalidOnDataCalls()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();
        server.State.RevokeAllTokens();

        var quotes = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetQuotesAsync(["NSE:SBIN-EQ"], credentials, Ct));
        var history = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2026, 11, 2), new(2026, 11, 6)), credentials, Ct));

        Assert.Equal((FyersErrorKind.TokenInvalid, -15), (quotes.Kind, quotes.FyersCode));
        Assert.Equal((FyersErrorKind.TokenInvalid, -16), (history.Kind, history.FyersCode));
    }

    [Fact]
    public async Task Depth_UnknownSymbol_IsInvalidSymbol()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetDepthAsync("NSE:NOPE-EQ", credentials, Ct));

        Assert.Equal(FyersErrorKind.InvalidSymbol, error.Kind);
        Assert.Contains("NSE:SBIN-EQ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Depth_KnownSymbol_HasFiveLevelsEachSide()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        var depth = await client.Data.GetDepthAsync("NSE:SBIN-EQ", credentials, Ct);

        Assert.Equal(5, depth.Bids.Count);
        Assert.Equal(5, depth.Asks.Count);
        Assert.True(depth.Bids[0].Price < depth.Asks[0].Price);
        Assert.True(depth.IsSynthetic);
    }
}
