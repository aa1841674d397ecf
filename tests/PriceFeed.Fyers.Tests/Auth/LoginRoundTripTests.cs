using System.Net;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Tests.Support;
using PriceFeed.Sandbox;

namespace PriceFeed.Fyers.Tests.Auth;

/// <summary>The v3 login against the sandbox over real HTTP (fyers-protocol.md §5).</summary>
public sealed class LoginRoundTripTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_UrlToRedirectToExchangeToProfile_RoundTrips()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        var redirect = await client.LoginInBrowserAsync("f3a9c2d1");
        Assert.StartsWith(SandboxServer.RedirectUri.AbsoluteUri + "?s=ok&code=200&auth_code=", redirect.AbsoluteUri, StringComparison.Ordinal);
        Assert.True(AuthRedirect.TryParse(redirect.AbsoluteUri, out var parsed, out _));
        Assert.Equal("f3a9c2d1", parsed!.State);

        var tokens = await client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, parsed.AuthCode, Ct);
        var profile = await client.Auth.GetProfileAsync(new FyersCredentials(SandboxDefaults.ClientId, tokens.AccessToken), Ct);

        Assert.Equal("XS00001", profile.FyId);
        Assert.Equal("Sandbox Trader (synthetic)", profile.Name);
        Assert.NotNull(tokens.RefreshToken);
        var info = AccessTokenInfo.TryDecode(tokens.AccessToken)!;
        Assert.Equal("XS00001", info.FyId);
        Assert.True(info.HasHsmKey);
    }

    [Fact]
    public async Task LoginUrl_HasTheDocumentedParameters()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        var url = client.Auth.BuildLoginUrl("ABCD1234-100", new Uri("https://x.example/prod/callback"), "s t");

        Assert.Equal(new Uri(server.AuthBase, "generate-authcode?client_id=ABCD1234-100&redirect_uri=https%3A%2F%2Fx.example%2Fprod%2Fcallback&response_type=code&state=s%20t").AbsoluteUri, url.AbsoluteUri);
    }

    [Fact]
    public async Task AccessToken_ExpiresAtTheNextSixAmIst_AndIsRefusedAfter()
    {
        var sandboxClock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 20, 33, TimeSpan.FromMinutes(330)));
        await using var server = await SandboxServer.StartAsync(time: sandboxClock);
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        var info = AccessTokenInfo.TryDecode(credentials.AccessToken)!;
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 6, 0, 33, TimeSpan.FromMinutes(330)), info.ExpiresAt);
        await client.Auth.GetProfileAsync(credentials, Ct);

        sandboxClock.SetUtcNow(info.ExpiresAt);
        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Auth.GetProfileAsync(credentials, Ct));
        Assert.Equal(FyersErrorKind.TokenInvalid, error.Kind);
        Assert.Equal(-16, error.FyersCode);
    }

    [Fact]
    public async Task Exchange_SameCodeTwice_SecondIsInvalidAuthCode()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        AuthRedirect.TryParse((await client.LoginInBrowserAsync("s")).AbsoluteUri, out var parsed, out _);
        await client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, parsed!.AuthCode, Ct);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, parsed.AuthCode, Ct));

        Assert.Equal(FyersErrorKind.AuthCodeRejected, error.Kind);
        Assert.Equal(-437, error.FyersCode);
        Assert.Contains("already used", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(parsed.AuthCode, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_WrongSecret_IsBadHashWithAdviceAboutTheSecret()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        AuthRedirect.TryParse((await client.LoginInBrowserAsync("s")).AbsoluteUri, out var parsed, out _);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, "wrong-secret", parsed!.AuthCode, Ct));

        Assert.Equal(-371, error.FyersCode);
        Assert.Contains("App Secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_EmptyCode_IsMissingCode()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, " ", Ct));

        Assert.Equal(-374, error.FyersCode);
        Assert.Equal(FyersErrorKind.AuthCodeRejected, error.Kind);
    }

    [Fact]
    public async Task Exchange_AppDeactivatedAfterLogin_IsInvalidApp()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        AuthRedirect.TryParse((await client.LoginInBrowserAsync("s")).AbsoluteUri, out var parsed, out _);
        server.State.Options.Apps[0].Active = false;

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Auth.ExchangeAuthCodeAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, parsed!.AuthCode, Ct));

        Assert.Equal(FyersErrorKind.InvalidApp, error.Kind);
        Assert.Contains("dashboard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_RedirectUriMismatch_IsRefusedBeforeAnyLogin()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.Browser.GetAsync(client.Auth.BuildLoginUrl(SandboxDefaults.ClientId, new Uri("https://evil.example/cb"), "s"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("redirect_uri", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_EscapesTheStateItEchoes()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        var html = await client.Browser.GetStringAsync(client.Auth.BuildLoginUrl(SandboxDefaults.ClientId, SandboxServer.RedirectUri, "\"><script>alert(1)</script>"), Ct);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("synthetic", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_RevokesTheToken()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        await client.Auth.LogoutAsync(credentials, Ct);

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.Data.GetMarketStatusAsync(credentials, Ct));
        Assert.Equal(-15, error.FyersCode);
    }

    [Fact]
    public async Task SecondAccount_LogsInAsSomeoneElse()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        var credentials = await client.LogInAsync("XS00002", "654321");

        Assert.Equal("XS00002", (await client.Auth.GetProfileAsync(credentials, Ct)).FyId);
    }

    [Fact]
    public async Task RefreshEndpoint_AnswersDiscontinued()
    {
        await using var server = await SandboxServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.Browser.PostAsync(new Uri(server.AuthBase, "validate-refresh-token"), new StringContent("""{"grant_type":"refresh_token","appIdHash":"x","refresh_token":"a.b.c","pin":"1234"}"""), Ct);

        Assert.Equal("""{"code":-501,"message":"Please provide valid refresh token","s":"error"}""", await response.Content.ReadAsStringAsync(Ct));
    }
}
