using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Hosting;
using PriceFeed.Sandbox;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests;

/// <summary>`pricefeed serve --sandbox`: the app's own FYERS client talks to the sandbox it hosts.</summary>
public sealed class ServeSandboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_SandboxMode_SaysOkAndSandbox()
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: true);
        await using var app = PriceFeedApp.Build(settings, [], s => s.AddLogging(b => b.ClearProviders()));
        await app.StartAsync(Ct);
        var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(new Uri(settings.Origin, "healthz"), Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("sandbox", body.RootElement.GetProperty("fyers").GetString());
    }

    [Fact]
    public async Task SandboxMode_AppClient_LogsInAndFetchesSyntheticHistoryFromItself()
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: true);
        await using var app = PriceFeedApp.Build(settings, [], s =>
        {
            s.AddLogging(b => b.ClearProviders());
            s.AddHttpClient("browser").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        });
        await app.StartAsync(Ct);
        var auth = app.Services.GetRequiredService<FyersAuthClient>();
        var data = app.Services.GetRequiredService<FyersDataClient>();
        var browser = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("browser");
        var callback = new Uri(settings.Origin, "callback");

        var loginUrl = auth.BuildLoginUrl(SandboxDefaults.ClientId, callback, "st");
        Assert.StartsWith(settings.Origin.AbsoluteUri + "sandbox/fyers/api/v3/generate-authcode?", loginUrl.AbsoluteUri, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = SandboxDefaults.ClientId, ["redirect_uri"] = callback.AbsoluteUri, ["state"] = "st",
            ["fy_id"] = "XS00001", ["totp"] = "123456", ["consent"] = "yes",
        });
        using var redirect = await browser.PostAsync(new Uri(loginUrl, "sandbox-login"), form, Ct);
        Assert.True(AuthRedirect.TryParse(redirect.Headers.Location!.AbsoluteUri, out var parsed, out _));
        var tokens = await auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, parsed!.AuthCode, Ct);
        var credentials = new FyersCredentials(SandboxDefaults.ClientId, tokens.AccessToken);

        var chunk = await data.GetHistoryChunkAsync(HistoryRequest.ForDates("NSE:SBIN-EQ", Resolution.Daily, new(2026, 11, 2), new(2026, 11, 6)), credentials, Ct);

        Assert.Equal(5, chunk.Candles.Count);
        Assert.True(chunk.IsSynthetic);
    }

    [Fact]
    public async Task FyersMode_DoesNotServeTheSandbox()
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: false);
        await using var app = PriceFeedApp.Build(settings, [], s => s.AddLogging(b => b.ClearProviders()));
        await app.StartAsync(Ct);
        var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(new Uri(settings.Origin, "sandbox/fyers/data/marketStatus"), Ct);
        var health = await http.GetFromJsonAsync<JsonElement>(new Uri(settings.Origin, "healthz"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("fyers", health.GetProperty("fyers").GetString());
    }
}
