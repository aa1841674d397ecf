using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Hosting;
using PriceFeed.Sandbox;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>
/// The probes of issue 11, each over real HTTP against `serve --sandbox`, as an anonymous internet
/// user would send them (docs/token-generator.md, "Threat model").
/// </summary>
public sealed class OwnerOnlyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Probe: before the first login, a stranger sets their own app and redirect.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("/prod")]
    public async Task FreshInstall_CredentialsWithoutTheSetupCode_AreRefused_AndNothingIsStored(string? pathBase)
    {
        await using var app = await TestApp.StartAsync(pathBase: pathBase);
        using var stranger = app.NewBrowser();

        using var none = await stranger.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "EVIL0001-100", appSecret = "attacker-secret", redirectUri = "https://evil.example/cb" });
        using var wrong = await stranger.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "EVIL0001-100", appSecret = "attacker-secret", setupCode = "AAAA-BBBB-CCCC-DDDD" });
        var status = await stranger.StatusAsync();

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("setup code", await none.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(status.GetProperty("credentials").GetProperty("secretStored").GetBoolean());
        Assert.True(status.GetProperty("setupNeeded").GetBoolean());
        Assert.Equal(2, app.Logs.Lines.Count(l => l.Contains("audit refused event=credentials client=127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Probe: the owner has stored the app; a stranger starts a login to bind their own account.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("/prod")]
    public async Task FreshInstall_OnlyTheBrowserThatGaveTheSetupCode_MayStartTheFirstLogin(string? pathBase)
    {
        await using var app = await TestApp.StartAsync(pathBase: pathBase);
        using var owner = app.NewBrowser();
        using var stranger = app.NewBrowser();
        await owner.SaveCredentialsAsync();

        using var refused = await stranger.SendAsync(HttpMethod.Post, "api/login", new { });
        using var allowed = await owner.SendAsync(HttpMethod.Post, "api/login", new { });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.False((await stranger.StatusAsync()).GetProperty("owner").GetBoolean());
        Assert.True((await owner.StatusAsync()).GetProperty("owner").GetBoolean());
    }

    /// <summary>The setup code is used up by the first login; after reset-binding a new one is needed and old owner cookies stop working.</summary>
    [Fact]
    public async Task ResetBinding_ReopensSetup_OnlyWithTheNewCode_AndOldOwnerBrowsersLoseAccess()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        using (await owner.LoginAsync())
        {
        }

        var boundOwner = (await owner.StatusAsync()).GetProperty("owner").GetBoolean();
        var oldCode = app.SetupCode;
        await app.App.Services.GetRequiredService<TokenVault>().ResetBindingAsync(Ct);
        await app.NewSetupCodeAsync();
        using var stranger = app.NewBrowser();
        using var withOldCode = await stranger.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = "x-secret", setupCode = oldCode });

        Assert.True(boundOwner);
        Assert.False((await owner.StatusAsync()).GetProperty("owner").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, withOldCode.StatusCode);
        using var fresh = app.NewBrowser();
        await fresh.SaveCredentialsAsync(); // the new code works
    }

    /// <summary>
    /// Issue 20, W1: a cookie that reset-binding voided stays void when the same account binds again
    /// (its proof was a hash of app and account, which a rebinding recreated); the owner's next daily
    /// login keeps the new cookie working.
    /// </summary>
    [Fact]
    public async Task ResetBinding_ThenTheSameAccountBindsAgain_OldCookieStaysVoid_DailyLoginKeepsTheNewOne()
    {
        await using var app = await TestApp.StartAsync();
        using var stolen = app.NewBrowser();
        await stolen.SaveCredentialsAsync();
        using (await stolen.LoginAsync())
        {
        }

        await app.App.Services.GetRequiredService<TokenVault>().ResetBindingAsync(Ct);
        await app.NewSetupCodeAsync();
        using var owner = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        using (await owner.LoginAsync())
        {
        }

        var stolenAfterRebind = (await stolen.StatusAsync()).GetProperty("owner").GetBoolean();
        using (await owner.LoginAsync()) // the next morning's login of the same account
        {
        }

        Assert.False(stolenAfterRebind);
        Assert.True((await owner.StatusAsync()).GetProperty("owner").GetBoolean());
        Assert.False((await stolen.StatusAsync()).GetProperty("owner").GetBoolean());
    }

    /// <summary>Issue 20, W4: a forged /callback with a made-up state, opened in the owner's browser mid-login, does not cancel the real login.</summary>
    [Fact]
    public async Task ForgedCallback_WithAnotherState_LeavesThePendingLogin_TheRealRedirectStillWorks()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        var redirect = await owner.FyersLoginAsync(await owner.BeginLoginAsync());

        using (await owner.FollowAsync(new Uri(app.CallbackUrl, "?s=ok&code=200&auth_code=forged&state=made-up")))
        {
        }

        using (await owner.FollowAsync(redirect))
        {
        }

        Assert.Equal("valid", (await owner.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    /// <summary>
    /// Issue 20, W3: after binding anyone may start a login, but a callback whose code cannot be
    /// FYERS' for this app (garbage, another app's, expired) costs no exchange with the owner's FYERS
    /// app; the genuine login still does.
    /// </summary>
    [Fact]
    public async Task MadeUpCallbacks_CostNoExchangeWithTheOwnersFyersApp()
    {
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        using var stranger = app.NewBrowser();
        static string Jwt(string payload) =>
            $"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.c2ln";
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        string[] codes =
        [
            "forged",
            Jwt($$"""{"sub":"access_token","app_id":"SANDBOX01","exp":{{now + 3000}}}"""),
            Jwt($$"""{"sub":"auth_code","app_id":"OTHERAPP1","exp":{{now + 3000}}}"""),
            Jwt($$"""{"sub":"auth_code","app_id":"SANDBOX01","exp":{{now - 3600}}}"""),
        ];
        var before = app.Sandbox.RequestsTo("api/v3/validate-authcode");

        foreach (var code in codes)
        {
            var login = await stranger.BeginLoginAsync();
            var state = System.Web.HttpUtility.ParseQueryString(login.Query)["state"];
            using var response = await stranger.FollowAsync(new Uri(app.CallbackUrl, $"?s=ok&code=200&auth_code={Uri.EscapeDataString(code)}&state={state}"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        Assert.Equal(before, app.Sandbox.RequestsTo("api/v3/validate-authcode"));
        Assert.Equal(codes.Length, app.Logs.Lines.Count(l => l.Contains("audit refused event=callback", StringComparison.Ordinal)));
        Assert.Equal(codes.Length - 1, app.Logs.Lines.Count(l => l.Contains("cannot be FYERS' for this app", StringComparison.Ordinal))); // "forged" is no redirect at all
        Assert.Equal("valid", (await stranger.StatusAsync()).GetProperty("token").GetProperty("state").GetString());

        using var owner = app.NewBrowser();
        using (await owner.LoginAsync())
        {
        }

        Assert.Equal(before + 1, app.Sandbox.RequestsTo("api/v3/validate-authcode"));
    }

    /// <summary>Issue 20, W6: the refusal of another account does not name the owner's app.</summary>
    [Fact]
    public async Task BindingRefusal_DoesNotNameTheApp()
    {
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        using var other = app.NewBrowser();

        using (await other.LoginAsync("XS00002", "654321"))
        {
        }

        var said = (await other.StatusAsync()).GetProperty("lastLogin").GetProperty("message").GetString()!;
        Assert.Contains("bound to FYERS account XS***01", said, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxDefaults.ClientId, said, StringComparison.Ordinal);
        Assert.DoesNotContain("SANDBOX01", said, StringComparison.Ordinal);
    }

    /// <summary>Issue 20, W5: refused reads of the owner's views are audited as the refused writes are.</summary>
    [Theory]
    [InlineData("api/watchlist")]
    [InlineData("api/data/coverage")]
    [InlineData("api/data/candles?symbol=NSE:SBIN-EQ&date=2026-11-26")]
    public async Task OwnerOnlyReads_RefusedToAStranger_AreAudited(string path)
    {
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        using var stranger = app.NewBrowser();

        using var response = await stranger.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused", StringComparison.Ordinal) && l.Contains("reason=not the owner", StringComparison.Ordinal) && l.Contains("/" + path.Split('?')[0], StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 20, W5: an over-long address or oversized headers get PriceFeed's own answer (problem
    /// details, the security headers, an audit line), not Kestrel's bare 414/431.
    /// </summary>
    [Fact]
    public async Task OverlongRequests_AreRefusedWithProblemDetailsHeadersAndAnAuditLine()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var longPath = await http.GetAsync(new Uri(app.PageUrl, "api/status?x=" + new string('a', 6000)), Ct);
        using var bigHeaders = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, "api/status"));
        for (var i = 0; i < 6; i++)
        {
            bigHeaders.Headers.Add($"X-Pad-{i}", new string('b', 7000));
        }

        using var headers = await http.SendAsync(bigHeaders, Ct);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longPath.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headers.StatusCode);
        foreach (var response in new[] { longPath, headers })
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }

        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=request-too-long", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=headers-too-large", StringComparison.Ordinal));
    }

    /// <summary>Issue 20, W6: on a laptop the Host must name the port PriceFeed listens on, too.</summary>
    [Fact]
    public async Task LoopbackHost_WithAnotherPort_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, "api/status"));
        request.Headers.Host = $"127.0.0.1:{app.PageUrl.Port + 1}";
        using var bare = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, "api/status"));
        bare.Headers.Host = "127.0.0.1";

        using var otherPort = await http.SendAsync(request, Ct);
        using var noPort = await http.SendAsync(bare, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, otherPort.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noPort.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=host", StringComparison.Ordinal) && l.Contains("port", StringComparison.Ordinal));
    }

    /// <summary>Issue 20, W6: what PriceFeed writes in the data folder (lake, caches, lock) is the owner's only.</summary>
    [Fact]
    public async Task FilesItWrites_AreOwnerOnly()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)));
        await app.LogInAsync();
        await app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunIntradayAsync(Ct);

        var written = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(written, f => f.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Contains(written, f => f.EndsWith("writer.lock", StringComparison.Ordinal));
        Assert.All(written, f => Assert.True((File.GetUnixFileMode(f) & (UnixFileMode)0b000_111_111) == 0, $"{Path.GetRelativePath(app.DataDirectory, f)} is {File.GetUnixFileMode(f)}"));
        Assert.All(Directory.EnumerateDirectories(app.DataDirectory, "*", SearchOption.AllDirectories), d => Assert.True((File.GetUnixFileMode(d) & (UnixFileMode)0b000_111_111) == 0, $"{Path.GetRelativePath(app.DataDirectory, d)} is {File.GetUnixFileMode(d)}"));
    }

    /// <summary>Probe: /api/status was public and named the owner, their app, account and jobs.</summary>
    [Fact]
    public async Task Status_ForThePublic_HasTheTokenStateOnly_TheOwnerSeesTheRest()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        using (await owner.LoginAsync())
        {
        }

        using var stranger = app.NewBrowser();
        var pub = await stranger.StatusAsync();
        var own = await owner.StatusAsync();

        Assert.Equal("valid", pub.GetProperty("token").GetProperty("state").GetString());
        Assert.Equal(own.GetProperty("token").GetProperty("expiresAtIst").GetString(), pub.GetProperty("token").GetProperty("expiresAtIst").GetString());
        Assert.False(pub.GetProperty("owner").GetBoolean());
        foreach (var hidden in new[] { "project", "callbackUrl", "binding", "calendar" })
        {
            Assert.Equal(JsonValueKind.Null, pub.GetProperty(hidden).ValueKind);
        }

        Assert.Equal(JsonValueKind.Null, pub.GetProperty("token").GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, pub.GetProperty("token").GetProperty("account").ValueKind);
        Assert.Equal(JsonValueKind.Null, pub.GetProperty("credentials").GetProperty("clientId").ValueKind);
        Assert.Empty(pub.GetProperty("runs").EnumerateArray());
        Assert.DoesNotContain("SANDBOX01", pub.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("XS", pub.GetRawText(), StringComparison.Ordinal);

        Assert.True(own.GetProperty("owner").GetBoolean());
        Assert.Equal("XS***01", own.GetProperty("binding").GetProperty("account").GetString());
        Assert.Equal(SandboxDefaults.ClientId, own.GetProperty("credentials").GetProperty("clientId").GetString());
    }

    /// <summary>Probe: 250 anonymous token checks were 250 FYERS /profile calls on the owner's budget.</summary>
    [Fact]
    public async Task TokenCheck_Anonymous_IsRefused_AndTheOwnersChecksReachFyersAtMostOnceAMinute()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.NewBrowser();
        await owner.SaveCredentialsAsync();
        using (await owner.LoginAsync())
        {
        }

        using var stranger = app.NewBrowser();
        using var anonymous = await stranger.SendAsync(HttpMethod.Post, "api/token/check", new { });
        var checks = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await owner.SendAsync(HttpMethod.Post, "api/token/check", new { });
            checks.Add(response.StatusCode);
        }

        int FyersChecks() => app.Logs.Lines.Count(l => l.Contains("Checked the stored token with FYERS", StringComparison.Ordinal));
        var withinTheMinute = FyersChecks();
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        using (await owner.SendAsync(HttpMethod.Post, "api/token/check", new { }))
        {
        }

        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.All(checks, c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.Equal(0, withinTheMinute); // the login's own check counts as the last minute's
        Assert.Equal(1, FyersChecks());
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=token-check", StringComparison.Ordinal));
    }

    /// <summary>Probe: rotating X-Forwarded-For gave 150 guesses a minute from one machine.</summary>
    [Fact]
    public async Task RateLimit_OnALaptop_IgnoresXForwardedFor_AndSaysWhenToRetry()
    {
        await using var app = await TestApp.StartAsync();
        using var stranger = app.NewBrowser();

        var codes = new List<HttpResponseMessage>();
        for (var i = 0; i < 35; i++)
        {
            codes.Add(await stranger.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "EVIL0001-100", appSecret = "guess-" + i, setupCode = $"AAAA-BBBB-CCCC-{i:0000}" }, forwardedFor: $"203.0.113.{i}"));
        }

        var limited = codes.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(30, codes.Count(r => r.StatusCode != HttpStatusCode.TooManyRequests));
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.True(int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60));
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=rate-limit client=127.0.0.1", StringComparison.Ordinal));
        Assert.All(codes, r => Assert.False(r.Headers.Contains("Strict-Transport-Security"))); // X-Forwarded-Proto: https was ignored too
        codes.ForEach(r => r.Dispose());
    }

    /// <summary>Behind API Gateway (trust on): only the address the gateway appended counts, whatever the client wrote before it.</summary>
    [Fact]
    public async Task RateLimit_BehindTheProxy_CountsTheAddressTheProxyAppended()
    {
        await using var app = await TestApp.StartAsync(extraSettings: "--Web:TrustForwardedHeaders=true");
        using var stranger = app.NewBrowser();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 35; i++)
        {
            using var response = await stranger.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = "EVIL0001-100", appSecret = "guess-" + i }, forwardedFor: $"203.0.113.{i}, 198.51.100.7");
            codes.Add(response.StatusCode);
        }

        Assert.Equal(30, codes.Count(c => c != HttpStatusCode.TooManyRequests));
        Assert.Contains(app.Logs.Lines, l => l.Contains("audit refused event=rate-limit client=198.51.100.7", StringComparison.Ordinal));
    }

    /// <summary>Probe: DNS rebinding (Host: evil.example) passed the Origin check and built an evil redirect_uri.</summary>
    [Fact]
    public async Task ForeignHost_IsRefused_LoopbackNamesAreServed_AndNothingEchoesTheHost()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        async Task<HttpResponseMessage> GetAsync(string host, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.PageUrl, path));
            request.Headers.Host = host;
            return await http.SendAsync(request, Ct);
        }

        using var evil = await GetAsync($"evil.example:{app.PageUrl.Port}", "api/status");
        using var localhost = await GetAsync($"localhost:{app.PageUrl.Port}", "api/status");
        using var openApi = await GetAsync($"localhost:{app.PageUrl.Port}", "openapi/v1.json");
        var servers = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("servers");

        Assert.Equal(HttpStatusCode.BadRequest, evil.StatusCode);
        Assert.Equal("application/problem+json", evil.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, localhost.StatusCode);
        Assert.Equal("/", Assert.Single(servers.EnumerateArray()).GetProperty("url").GetString());
    }

    /// <summary>On AWS the public origin is configured: Origin checks and the callback use it, not the Host.</summary>
    [Fact]
    public async Task ConfiguredPublicOrigin_IsWhatCsrfAndTheCallbackUse()
    {
        await using var app = await TestApp.StartAsync(extraSettings: "--Web:PublicOrigin=https://abc123.execute-api.ap-south-1.amazonaws.com");
        using var owner = app.NewBrowser();

        using var sameHost = await owner.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = app.SetupCode }, origin: app.PageUrl.GetLeftPart(UriPartial.Authority));
        using var published = await owner.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = app.SetupCode }, origin: "https://abc123.execute-api.ap-south-1.amazonaws.com");
        using var begun = await owner.SendAsync(HttpMethod.Post, "api/login", new { });
        var login = JsonDocument.Parse(await begun.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, sameHost.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        Assert.Contains("redirect_uri=https%3A%2F%2Fabc123.execute-api.ap-south-1.amazonaws.com%2Fcallback", login.GetProperty("loginUrl").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Deploy-time pins: another app, or another FYERS user, cannot be set up even with the setup code.</summary>
    [Fact]
    public async Task Pins_AnotherAppOrAnotherUser_IsRefusedEvenWithTheSetupCode()
    {
        await using var pinnedApp = await TestApp.StartAsync(extraSettings: "--Tokens:OwnerClientId=ABCD1234-100");
        using var first = pinnedApp.NewBrowser();
        using var refused = await first.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = pinnedApp.SetupCode });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        await using var pinnedUser = await TestApp.StartAsync(extraSettings: "--Tokens:OwnerFyId=XS00002");
        using var owner = pinnedUser.NewBrowser();
        await owner.SaveCredentialsAsync();
        using (await owner.LoginAsync("XS00001"))
        {
        }

        var status = await owner.StatusAsync();
        Assert.Equal("missing", status.GetProperty("token").GetProperty("state").GetString());
        Assert.Contains("XS***02 only", status.GetProperty("lastLogin").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Probe: 500s had none of the security headers; parsing refusals had empty bodies.</summary>
    [Fact]
    public async Task EveryRefusal_IsProblemDetails_WithTheSecurityHeaders_500Included()
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: true, null);
        var data = Directory.CreateTempSubdirectory("pricefeed-test-").FullName;
        await using var app = PriceFeedApp.Build(settings, [$"--Tokens:DataDirectory={data}", "--Ingestion:LocalScheduler=false"], services =>
            services.AddSingleton<ITokenStore>(new BrokenStore()));
        await app.StartAsync(Ct);
        var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var failed = await http.GetAsync(new Uri(settings.PageUrl, "api/status"), Ct);
        using var json = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var malformed = await http.PostAsync(new Uri(settings.PageUrl, "api/tokens"), json, Ct);
        using var text = new StringContent("x", System.Text.Encoding.UTF8, "text/plain");
        using var wrongType = await http.PostAsync(new Uri(settings.PageUrl, "api/tokens"), text, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        foreach (var response in new[] { failed, malformed, wrongType })
        {
            Assert.True(response.StatusCode >= HttpStatusCode.BadRequest, response.StatusCode.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.DoesNotContain("BrokenStore", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await app.StopAsync(Ct);
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Probe: a data folder that already existed stayed 0755.</summary>
    [Fact]
    public async Task DataFolder_MadeByHandOrAnOlderVersion_IsTightenedToTheOwner()
    {
        var data = Directory.CreateTempSubdirectory("pricefeed-test-").FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        var keys = Directory.CreateDirectory(Path.Combine(data, "keys"));
        File.SetUnixFileMode(keys.FullName, (UnixFileMode)0b111_101_101);
        var stray = Path.Combine(keys.FullName, "key-old.xml");
        await File.WriteAllTextAsync(stray, "<key/>", Ct);
        File.SetUnixFileMode(stray, (UnixFileMode)0b110_100_100);

        await using (await TestApp.StartAsync(dataDirectory: data))
        {
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data));
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(keys.FullName));
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(stray));
        }
    }

    /// <summary>`pricefeed token setup-code` where PriceFeed runs: the code it prints opens the first save; once bound it refuses.</summary>
    [Fact]
    public async Task SetupCodeCommand_PrintsACodeThePageAccepts_AndRefusesOnceBound()
    {
        await using var app = await TestApp.StartAsync();
        var (exitCode, output) = await CliProcess.RunOnStoreAsync(app, "token", "setup-code");
        var code = System.Text.RegularExpressions.Regex.Match(output, "[A-Z2-9]{4}(-[A-Z2-9]{4}){3}").Value;
        using var owner = app.NewBrowser();
        using var withStartCode = await owner.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = app.SetupCode });
        using var withPrinted = await owner.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = code });
        using (await owner.LoginAsync())
        {
        }

        var (boundExit, boundOutput) = await CliProcess.RunOnStoreAsync(app, "token", "setup-code");

        Assert.Equal(0, exitCode);
        Assert.Equal(HttpStatusCode.Forbidden, withStartCode.StatusCode); // the printed code replaced it
        Assert.Equal(HttpStatusCode.NoContent, withPrinted.StatusCode);
        Assert.Equal(1, boundExit);
        Assert.Contains("already bound to FYERS account XS***01", boundOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(code, StringComparison.Ordinal));
    }

    private sealed class BrokenStore : ITokenStore
    {
        public Task<IReadOnlyDictionary<string, string>> GetAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("BrokenStore: an unexpected failure");

        public Task<IReadOnlyCollection<string>> PutAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("BrokenStore: an unexpected failure");

        public Task DeleteAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("BrokenStore: an unexpected failure");
    }
}
