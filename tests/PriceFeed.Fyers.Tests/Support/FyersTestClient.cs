using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Fyers.Tests.Support;

/// <summary>The production DI wiring of the FYERS client, plus a browser stand-in for the login page.</summary>
internal sealed class FyersTestClient : IDisposable
{
    private readonly ServiceProvider services;
    private readonly SandboxServer server;

    public FyersTestClient(SandboxServer server, Action<FyersOptions>? configure, TimeProvider? clientTime)
    {
        this.server = server;
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.ClearProviders());
        if (clientTime is not null)
        {
            collection.AddSingleton(clientTime);
        }

        collection.AddFyersClient(configure: o =>
        {
            o.UseSandbox = true;
            o.AuthBaseUri = server.AuthBase;
            o.DataBaseUri = server.DataBase;
            o.DataSocketUri = new UriBuilder(server.Origin) { Scheme = "ws", Path = SandboxServer.Prefix + "/hsm/v1-5/prod" }.Uri;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            configure?.Invoke(o);
        });
        collection.AddHttpClient("browser").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FyersAuthClient Auth => services.GetRequiredService<FyersAuthClient>();

    public FyersDataClient Data => services.GetRequiredService<FyersDataClient>();

    public FyersRateLimiter Limiter => services.GetRequiredService<FyersRateLimiter>();

    public PriceFeed.Fyers.Socket.HsmStream Stream => services.GetRequiredService<PriceFeed.Fyers.Socket.HsmStream>();

    public HttpClient Browser => services.GetRequiredService<IHttpClientFactory>().CreateClient("browser");

    /// <summary>What a person does on the FYERS pages: open the login URL, fill the form, get redirected.</summary>
    public async Task<Uri> LoginInBrowserAsync(string state, string fyId = "XS00001", string code = "123456", string clientId = PriceFeed.Sandbox.SandboxDefaults.ClientId)
    {
        var loginUrl = Auth.BuildLoginUrl(clientId, SandboxServer.RedirectUri, state);
        using var page = await Browser.GetAsync(loginUrl, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = SandboxServer.RedirectUri.AbsoluteUri,
            ["state"] = state,
            ["fy_id"] = fyId,
            ["totp"] = code,
            ["consent"] = "yes",
        });
        using var submitted = await Browser.PostAsync(new Uri(server.AuthBase, "sandbox-login"), form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        return submitted.Headers.Location!;
    }

    /// <summary>A full login to a usable token.</summary>
    public async Task<FyersCredentials> LogInAsync(string fyId = "XS00001", string code = "123456")
    {
        var redirect = await LoginInBrowserAsync("state-1", fyId, code);
        Assert.True(AuthRedirect.TryParse(redirect.AbsoluteUri, out var parsed, out var error), error);
        var tokens = await Auth.ExchangeAuthCodeAsync(PriceFeed.Sandbox.SandboxDefaults.ClientId, PriceFeed.Sandbox.SandboxDefaults.Secret, parsed!.AuthCode, TestContext.Current.CancellationToken);
        return new FyersCredentials(PriceFeed.Sandbox.SandboxDefaults.ClientId, tokens.AccessToken);
    }

    public void Dispose() => services.Dispose();
}
