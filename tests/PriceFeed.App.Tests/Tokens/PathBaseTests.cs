using System.Net;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>Behind API Gateway the page lives under the stage path, e.g. https://id.execute-api.../prod/.</summary>
public sealed class PathBaseTests
{
    [Fact]
    public async Task UnderProd_FullCallbackLogin_Works()
    {
        await using var app = await TestApp.StartAsync(pathBase: "/prod");
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();

        var status = await browser.StatusAsync();
        Assert.Equal(app.CallbackUrl.AbsoluteUri, status.GetProperty("callbackUrl").GetString());
        Assert.EndsWith("/prod/callback", app.CallbackUrl.AbsoluteUri, StringComparison.Ordinal);

        using var callback = await browser.LoginAsync();

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(new Uri(app.PageUrl, "./"), new Uri(app.CallbackUrl, callback.Headers.Location!));
        Assert.Equal("valid", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    [Fact]
    public async Task UnderProd_StageWithoutSlash_RedirectsToTheSlashedPage()
    {
        await using var app = await TestApp.StartAsync(pathBase: "/prod");
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Get, new Uri(app.PageUrl.AbsoluteUri.TrimEnd('/')).AbsoluteUri);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/prod/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task UnderProd_CookiesAreScopedToTheStage()
    {
        await using var app = await TestApp.StartAsync(pathBase: "/prod");
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();

        await browser.BeginLoginAsync();

        var login = browser.Cookies.GetAllCookies().Single(c => c.Name == "pf_login");
        Assert.Equal("/prod", login.Path);
        Assert.True(login.HttpOnly);
    }
}
