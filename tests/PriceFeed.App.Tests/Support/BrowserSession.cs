using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using PriceFeed.Sandbox;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// One browser (one cookie jar) talking to the app and to the sandbox's login page over HTTP, the way
/// the page's script does. Every response body and header is kept for secret searches.
/// </summary>
internal sealed class BrowserSession : IDisposable
{
    private readonly TestApp app;
    private readonly HttpClient http;
    private string? csrf;

    public BrowserSession(TestApp app)
    {
        this.app = app;
        Cookies = new CookieContainer();
#pragma warning disable RS0030 // A browser session needs its own cookie jar and handler; it is a test's stand-in for a browser.
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true });
#pragma warning restore RS0030
    }

    public CookieContainer Cookies { get; }

    public List<string> Seen { get; } = [];

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, object? json = null, bool withCsrf = true, string? origin = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(app.PageUrl, relative));
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        if (method != HttpMethod.Get && withCsrf)
        {
            csrf ??= (await GetJsonAsync("api/csrf")).GetProperty("token").GetString();
            request.Headers.Add("X-CSRF-TOKEN", csrf);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await RecordAsync(response);
        return response;
    }

    public async Task<JsonElement> GetJsonAsync(string relative)
    {
        using var response = await SendAsync(HttpMethod.Get, relative);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    public Task<JsonElement> StatusAsync() => GetJsonAsync("api/status");

    /// <summary>
    /// Gives this browser the owner cookie the app would issue at a login of the bound account (or,
    /// while nothing is bound, for the current setup code), for tests about what the owner sees
    /// rather than about how one becomes the owner (those are in OwnerOnlyTests).
    /// </summary>
    public async Task<BrowserSession> AsOwnerAsync()
    {
        var services = app.App.Services;
        var snapshot = await services.GetRequiredService<PriceFeed.Tokens.TokenVault>().ReadAsync(TestContext.Current.CancellationToken);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.PathBase = app.Settings.NormalizedPathBase ?? string.Empty;
        services.GetRequiredService<PriceFeed.Tokens.OwnerAccess>().Issue(context, snapshot);
        foreach (var cookie in context.Response.Headers.SetCookie)
        {
            Cookies.SetCookies(app.PageUrl, cookie!);
        }

        return this;
    }

    /// <summary>The first save with the app's setup code, as the owner types it.</summary>
    public async Task SaveCredentialsAsync(string clientId = SandboxDefaults.ClientId, string secret = SandboxDefaults.Secret, string? redirectUri = null)
    {
        using var response = await SendAsync(HttpMethod.Put, "api/credentials", new { clientId, appSecret = secret, redirectUri, setupCode = app.SetupCode });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public async Task<Uri> BeginLoginAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "api/login", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        return new Uri(body.GetProperty("loginUrl").GetString()!);
    }

    /// <summary>What the person does on the (sandbox) FYERS pages; returns where FYERS redirects the browser.</summary>
    public async Task<Uri> FyersLoginAsync(Uri loginUrl, string fyId = "XS00001", string code = "123456")
    {
        using var page = await http.GetAsync(loginUrl, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(loginUrl.Query);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = query["client_id"]!,
            ["redirect_uri"] = query["redirect_uri"]!,
            ["state"] = query["state"]!,
            ["fy_id"] = fyId,
            ["totp"] = code,
            ["consent"] = "yes",
        });
        using var submitted = await http.PostAsync(new Uri(loginUrl, "sandbox-login"), form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        return submitted.Headers.Location!;
    }

    /// <summary>The browser following FYERS' redirect to the app's /callback.</summary>
    public Task<HttpResponseMessage> FollowAsync(Uri callback) => SendAsync(HttpMethod.Get, callback.AbsoluteUri);

    /// <summary>Login in callback mode, start to finish.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string fyId = "XS00001", string code = "123456") =>
        await FollowAsync(await FyersLoginAsync(await BeginLoginAsync(), fyId, code));

    public void Dispose() => http.Dispose();

    private async Task RecordAsync(HttpResponseMessage response)
    {
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        Seen.Add(headers + "\n" + await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
