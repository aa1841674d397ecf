using System.Net;
using PriceFeed.App.Tests.Support;
using PriceFeed.Fyers.Auth;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>The daily login through the token API, against the app's own sandbox over real HTTP.</summary>
public sealed class TokenFlowTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

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

        Assert.Equal(Ist, now.Offset);
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

    [Fact]
    public async Task PasteMode_PastedRedirect_StoresTokens()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync(redirectUri: TestApp.PasteRedirect);
        Assert.Equal("paste", (await browser.StatusAsync()).GetProperty("credentials").GetProperty("loginMode").GetString());
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        Assert.StartsWith(TestApp.PasteRedirect, redirect.AbsoluteUri, StringComparison.Ordinal);

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

    [Fact]
    public async Task Callback_WithoutState_IsAcceptedOnlyForARecentLoginOfThisBrowser()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        var withoutState = new Uri(redirect.AbsoluteUri[..redirect.AbsoluteUri.IndexOf("&state=", StringComparison.Ordinal)]);

        using var _ = await browser.FollowAsync(withoutState);

        Assert.Equal("valid", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
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

        await app.App.Services.GetRequiredService<PriceFeed.Tokens.TokenVault>().ResetBindingAsync(TestContext.Current.CancellationToken);
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
