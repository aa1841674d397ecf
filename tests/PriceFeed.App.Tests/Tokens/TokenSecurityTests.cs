using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Sandbox;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>The page will be on the internet: secrets stay in, foreign requests stay out.</summary>
public sealed class TokenSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Issue 20, W2: control characters in a request's path never reach the audit log raw (forged lines, screen clears, colours).</summary>
    [Fact]
    public async Task AuditLine_ForAPathWithControlCharacters_EscapesThem()
    {
        await using var app = await TestApp.StartAsync();
#pragma warning disable RS0030 // a raw client: the test sends a Host the app refuses
        using var http = new HttpClient();
#pragma warning restore RS0030
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, "x%0D%0Aaudit%20allowed%20event=forged%1B%5B2J%07%08"));
        request.Headers.Host = "evil.example";

        using var response = await http.SendAsync(request, Ct);
        var audit = Assert.Single(app.Logs.Lines, l => l.Contains("audit refused event=host", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(@"/x\u000d\u000aaudit allowed event=forged\u001b[2J\u0007\u0008", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(audit, c => c is '\r' or '\n' or '\u001b' or '\u0007' or '\u0008');
    }

    [Fact]
    public async Task FullRun_NoSecretOrTokenValue_AppearsInAnyResponseOrLogLine()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        var redirect = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        var authCode = System.Web.HttpUtility.ParseQueryString(redirect.Query)["auth_code"]!;
        using (await browser.FollowAsync(redirect))
        {
        }

        await browser.StatusAsync();
        using (await browser.SendAsync(HttpMethod.Post, "api/token/check", new { }))
        {
        }

        using (await browser.LoginAsync("XS00002", "654321"))
        {
        }

        using (await browser.SendAsync(HttpMethod.Get, string.Empty))
        {
        }

        var stored = await app.App.Services.GetRequiredService<ITokenStore>().GetAsync(TokenParameters.All, Ct);
        var secrets = new[] { stored[TokenParameters.AccessToken], stored[TokenParameters.RefreshToken], stored[TokenParameters.AppSecret], authCode };
        var seen = string.Join("\n", browser.Seen);
        var logs = string.Join("\n", app.Logs.Lines);
        Assert.NotEmpty(app.Logs.Lines);
        Assert.Contains("Stored a new FYERS token for XS***01", logs, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, seen, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);

            // Not even a prefix: peers leaked "partial prefixes" of tokens (fyers-protocol.md §13.4).
            Assert.DoesNotContain(secret[..12], logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TokenFile_OnDisk_IsEncryptedAndOwnerOnly()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        var file = Path.Combine(app.DataDirectory, "stock-pipeline.tokens");
        var text = await File.ReadAllTextAsync(file, Ct);
        Assert.DoesNotContain(SandboxDefaults.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(app.DataDirectory, "keys")));
    }

    [Fact]
    public async Task StateChange_WithoutCsrfToken_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "ABCD1234-100", appSecret = "x1234" }, withCsrf: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Reload the page", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(JsonNull, (await browser.StatusAsync()).GetProperty("credentials").GetProperty("clientId").ValueKind);
    }

    [Fact]
    public async Task StateChange_FromAnotherOrigin_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Post, "api/login", new { }, origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Credentials_OnceBound_NeedTheCurrentSecretToReplace()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        using var refused = await browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = "attacker-secret" });
        using var wrong = await browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = "attacker-secret", currentAppSecret = "guess" });
        using var allowed = await browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = "rotated-secret", currentAppSecret = SandboxDefaults.Secret });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Contains("current App Secret", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_BadClientId_GetsAnActionableProblem()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "ABCD1234", appSecret = "abcdef", setupCode = app.SetupCode });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ABCD1234-100", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NeverCarriesTheSecret_OnlyThatItIsStored()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();

        var status = await browser.StatusAsync();

        Assert.True(status.GetProperty("credentials").GetProperty("secretStored").GetBoolean());
        Assert.DoesNotContain(SandboxDefaults.Secret, status.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_HasSecurityHeaders_AndNoInlineScript()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Get, string.Empty);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotMatch("(src|href)=\"/", html);
    }

    [Fact]
    public async Task Https_BehindTheProxy_GetsHstsAndSecureCookies()
    {
        // Proxy headers count only where a proxy is configured (on Lambda by default).
        await using var app = await TestApp.StartAsync(extraSettings: "--Web:TrustForwardedHeaders=true");
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, "api/csrf"));
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await http.SendAsync(request, Ct);

        Assert.Contains("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task LoginEndpoints_AreRateLimited()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 35; i++)
        {
            using var response = await browser.SendAsync(HttpMethod.Post, "api/login", new { });
            codes.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        Assert.Equal(30, codes.Count(c => c != HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task LargeBody_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Post, "api/tokens", new { redirectUrl = new string('a', 200_000) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
