using System.Net;
using PriceFeed.App.Tests.Support;
using PriceFeed.Fyers.Auth;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>The daily login through the token API, against the app's own sandbox over real HTTP.</summary>
public sealed class TokenFlowTests
{
    [Theory]
    [InlineData("2026-11-27T08:00:00+05:30", "2026-11-27T09:15:00+05:30")] // Friday before the open
    [InlineData("2026-11-27T11:00:00+05:30", "2026-11-27T11:00:00+05:30")] // in the session: now
    [InlineData("2026-11-24T08:00:00+05:30", null)] // Guru Nanak Jayanti: next session (Wed 09:15) is after 06:00 expiry
    [InlineData("2026-11-28T09:00:00+05:30", null)] // Saturday
    public async Task Status_NextUse_FollowsTheNseCalendar(string nowText, string? expected)
    {
        var now = DateTimeOffset.Parse(nowText, System.Globalization.CultureInfo.InvariantCulture);
        await using var app = await TestApp.StartAsync(now: now);
        await app.LogInAsync();
        using var browser = app.NewBrowser();

        var next = (await browser.StatusAsync()).GetProperty("token").GetProperty("nextUse");

        DateTimeOffset? want = expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset? got = next.ValueKind == System.Text.Json.JsonValueKind.Null ? null : next.GetDateTimeOffset();
        Assert.Equal(want is null, got is null);
        if (want is { } w && got is { } g)
        {
            Assert.InRange(g - w, TimeSpan.Zero, TimeSpan.FromSeconds(5)); // "now" moves on while the login runs
        }
    }

    [Fact]
    public async Task CallbackMode_FullLogin_StoresTokensAndRedirectsToACleanUrl()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();

        using var callback = await browser.LoginAsync();

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("./", callback.Headers.Location!.OriginalString);
        var status = await browser.StatusAsync();
        Assert.Equal("valid", status.GetProperty("token").GetProperty("state").GetString());
        Assert.Equal("XS***01", status.GetProperty("token").GetProperty("account").GetString());
        Assert.StartsWith("06:00 IST on Sat 28 Nov 2026", status.GetProperty("token").GetProperty("expiresAtIst").GetString(), StringComparison.Ordinal);
        Assert.True(status.GetProperty("lastLogin").GetProperty("ok").GetBoolean());
        Assert.StartsWith("Tokens stored, valid until 06:00 IST on Sat 28 Nov 2026", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("XS***01", status.GetProperty("binding").GetProperty("account").GetString());
    }

    /// <summary>Issue 13: the sandbox's login form keeps the FYERS ID and the consent tick after a wrong 2FA code, as a person expects.</summary>
    [Fact]
    public async Task SandboxLogin_WrongCode_KeepsTheIdAndTheConsentTick()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = SandboxDefaults.ClientId,
            ["redirect_uri"] = app.CallbackUrl.AbsoluteUri,
            ["state"] = "s",
            ["fy_id"] = "XS00001",
            ["totp"] = "000000",
            ["consent"] = "yes",
        });

        using var response = await http.PostAsync(new Uri(app.Settings.Origin, "sandbox/fyers/api/v3/sandbox-login"), form, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Wrong 6-digit code", html, StringComparison.Ordinal);
        Assert.Contains("name=\"consent\" value=\"yes\" checked>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"XS00001\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("000000", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasteMode_PastedRedirect_StoresTokens()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync(redirectUri: TestApp.PasteRedirect);
        Assert.Equal("paste", (await browser.StatusAsync()).GetProperty("credentials").GetProperty("loginMode").GetString());
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        // The sandbox's stand-in of FYERS' redirect page: same path, same query (trade.fyers.in is not reachable offline).
        Assert.StartsWith(new Uri(app.Settings.Origin, "sandbox/fyers/" + SandboxDefaults.StandInPath + "?s=ok&code=200&auth_code=").AbsoluteUri, redirect.AbsoluteUri, StringComparison.Ordinal);

        using var stored = await browser.SendAsync(HttpMethod.Post, "api/tokens", new { redirectUrl = "  \"" + redirect.AbsoluteUri + "\"\n" });

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("valid", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Callback_ForgedState_IsRefusedAndNothingIsStored()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        var forged = new Uri(redirect.AbsoluteUri.Replace("&state=", "&state=x", StringComparison.Ordinal));

        using var _ = await browser.FollowAsync(forged);

        var status = await browser.StatusAsync();
        Assert.Equal("missing", status.GetProperty("token").GetProperty("state").GetString());
        Assert.False(status.GetProperty("lastLogin").GetProperty("ok").GetBoolean());
        Assert.Contains("state does not match", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_Replayed_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        using (await browser.FollowAsync(redirect))
        {
        }

        using var _ = await browser.FollowAsync(redirect);

        var status = await browser.StatusAsync();
        Assert.False(status.GetProperty("lastLogin").GetProperty("ok").GetBoolean());
        Assert.Contains("did not start a FYERS login", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("valid", status.GetProperty("token").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Callback_FromAnotherBrowser_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.NewBrowser();
        using var stranger = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        var redirect = await owner.FyersLoginAsync(await owner.BeginLoginAsync());

        using var _ = await stranger.FollowAsync(redirect);

        Assert.Equal("missing", (await owner.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    /// <summary>Probe: with the owner's login pending, a forged /callback without state in their browser.</summary>
    [Fact]
    public async Task Callback_WithoutState_IsRefusedBeforeTheCodeIsUsed_AndThePendingLoginStillWorks()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        var withoutState = new Uri(redirect.AbsoluteUri[..redirect.AbsoluteUri.IndexOf("&state=", StringComparison.Ordinal)]);

        using (await browser.FollowAsync(withoutState))
        {
        }

        var afterForgery = await browser.StatusAsync();
        using var _ = await browser.FollowAsync(redirect);

        Assert.Equal("missing", afterForgery.GetProperty("token").GetProperty("state").GetString());
        Assert.Contains("no state", afterForgery.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("valid", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=callback", StringComparison.Ordinal));
    }

    /// <summary>Probe: an error callback whose message is attacker text is shown in our words only.</summary>
    [Fact]
    public async Task Callback_FyersError_IsShownInOurWords_NeverTheTextOfTheUrl()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var state = System.Web.HttpUtility.ParseQueryString((await browser.BeginLoginAsync()).Query)["state"];

        using var _ = await browser.FollowAsync(new Uri(app.CallbackUrl, $"?s=error&code=-1&message=Call%20%2B91-0000%20to%20unlock&state={state}"));

        var message = (await browser.StatusAsync()).GetProperty("lastLogin").GetProperty("message").GetString();
        Assert.Contains("FYERS reported an error", message, StringComparison.Ordinal);
        Assert.DoesNotContain("unlock", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_AfterTenMinutes_IsRefusedAsExpired()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        using var _ = await browser.FollowAsync(redirect);

        var status = await browser.StatusAsync();
        Assert.Equal("missing", status.GetProperty("token").GetProperty("state").GetString());
        Assert.Contains("expired", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondAccount_IsRefusedAndTheStoredTokenStaysUnchanged()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        var before = await ReadStoredAccessTokenAsync(app);

        using var _ = await browser.LoginAsync("XS00002", "654321");

        var status = await browser.StatusAsync();
        Assert.False(status.GetProperty("lastLogin").GetProperty("ok").GetBoolean());
        Assert.Contains("bound to FYERS account XS***01", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await ReadStoredAccessTokenAsync(app));
        Assert.Equal("XS***01", status.GetProperty("token").GetProperty("account").GetString());
    }

    [Fact]
    public async Task ResetBinding_ThenSecondAccount_IsAccepted()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        // As 'pricefeed token reset-binding' does: the binding goes, and a new setup code is printed.
        await app.App.Services.GetRequiredService<PriceFeed.Tokens.TokenVault>().ResetBindingAsync(TestContext.Current.CancellationToken);
        await app.NewSetupCodeAsync();
        await browser.SaveCredentialsAsync();
        using var _ = await browser.LoginAsync("XS00002", "654321");

        Assert.Equal("XS***02", (await browser.StatusAsync()).GetProperty("token").GetProperty("account").GetString());
    }

    [Fact]
    public async Task ExpiredToken_AfterSixAmIst_ShowsExpired()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 6, 5, 0, TimeSpan.FromMinutes(330)));

        var token = (await browser.StatusAsync()).GetProperty("token");
        Assert.Equal("expired", token.GetProperty("state").GetString());
        Assert.Contains("Log in with FYERS again", token.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TokenRevokedByFyers_ShowsRejected()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        app.Sandbox.RevokeAllTokens();
        using var checkResponse = await browser.SendAsync(HttpMethod.Post, "api/token/check", new { });

        Assert.Equal(HttpStatusCode.OK, checkResponse.StatusCode);
        Assert.Equal("rejected", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Login_WrongSecret_ExplainsAndStoresNothing()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync(secret: "not-the-secret");

        using var _ = await browser.LoginAsync();

        var status = await browser.StatusAsync();
        Assert.Equal("missing", status.GetProperty("token").GetProperty("state").GetString());
        Assert.Contains("App Secret", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string?> ReadStoredAccessTokenAsync(TestApp app)
    {
        var store = app.App.Services.GetRequiredService<PriceFeed.Tokens.ITokenStore>();
        var values = await store.GetAsync([PriceFeed.Tokens.TokenParameters.AccessToken], TestContext.Current.CancellationToken);
        return values.TryGetValue(PriceFeed.Tokens.TokenParameters.AccessToken, out var v) ? v : null;
    }
}
