using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Cli;
using PriceFeed.Sandbox;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>`pricefeed login` and `pricefeed token status` over the same store as the page.</summary>
public sealed class TokenCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenStatus_AfterPageLogin_AgreesWithThePage()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await TokenCommand.StatusAsync(app.App.Services, check: true, output, error, Ct);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Token: valid", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Tokens stored, valid until 06:00 IST on Sat 28 Nov 2026", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("FYERS check: accepted", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("XS***01", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenStatus_AfterTheMorningReset_SaysExpiredWithExitCode1()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 6, 1, 0, TimeSpan.FromMinutes(330)));
        using var output = new StringWriter();
        var code = await TokenCommand.StatusAsync(app.App.Services, check: true, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("Token: expired", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenStatus_NothingStored_SaysMissing()
    {
        await using var app = await TestApp.StartAsync();
        using var output = new StringWriter();

        var code = await TokenCommand.StatusAsync(app.App.Services, check: false, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("Token: missing", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PastedRedirect_StoresTokens()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        using var output = new StringWriter();
        var person = new ScriptedPerson(output, [SandboxDefaults.ClientId, SandboxDefaults.Secret], async printed =>
        {
            var url = printed.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("http", StringComparison.Ordinal));
            return (await browser.FyersLoginAsync(new Uri(url))).AbsoluteUri;
        });

        var code = await LoginCommand.RunAsync(app.App.Services, TestApp.PasteRedirect, person, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Tokens stored, valid until", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("valid", (await browser.StatusAsync()).GetProperty("token").GetProperty("state").GetString());
    }

    /// <summary>
    /// Issue 13: `pricefeed login` while serve runs. The FYERS app sends the browser to serve's own
    /// /callback, which did not start this login: it stores nothing, and shows the address to paste
    /// into the terminal instead of throwing it away.
    /// </summary>
    [Fact]
    public async Task Login_WhileServeRuns_TheCallbackShowsTheAddressToPaste()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        string? shown = null;
        HttpStatusCode callbackStatus = 0;
        using var output = new StringWriter();
        var person = new ScriptedPerson(output, [SandboxDefaults.ClientId, SandboxDefaults.Secret], async printed =>
        {
            var url = printed.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("http", StringComparison.Ordinal));
            var callback = await browser.FyersLoginAsync(new Uri(url));
            using var page = await browser.FollowAsync(callback);
            callbackStatus = page.StatusCode;
            var html = await page.Content.ReadAsStringAsync(Ct);
            shown = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<textarea[^>]*>([^<]*)</textarea>").Groups[1].Value);
            return shown;
        });

        var code = await LoginCommand.RunAsync(app.App.Services, app.CallbackUrl.AbsoluteUri, person, output, TextWriter.Null, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, callbackStatus);
        Assert.StartsWith(app.CallbackUrl.AbsoluteUri + "?", shown, StringComparison.Ordinal);
        Assert.Contains("auth_code=", shown, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Tokens stored, valid until", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RedirectOfAnotherLogin_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync(redirectUri: TestApp.PasteRedirect);
        var foreign = await browser.FyersLoginAsync(await browser.BeginLoginAsync());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var person = new ScriptedPerson(output, [], _ => Task.FromResult(foreign.AbsoluteUri));

        var code = await LoginCommand.RunAsync(app.App.Services, null, person, output, error, Ct);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("state does not match", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeparateCliProcess_SameDataFolder_ReadsTheServersTokenAndChecksItWithTheSandbox()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();
        await browser.SaveCredentialsAsync();
        using (await browser.LoginAsync())
        {
        }

        // The CLI host runs on the test's clock, as the server does: the token it reads dies at 06:00 IST.
        using var cli = CliHost.Build(app.Settings.Origin, [new("Tokens:DataDirectory", app.DataDirectory)], services => services.AddSingleton<TimeProvider>(app.Clock));
        using var output = new StringWriter();
        var code = await TokenCommand.StatusAsync(cli.Services, check: true, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("FYERS check: accepted", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: after a sandbox login, a command without --sandbox would send the sandbox's token to
    /// FYERS; it stops with one line saying which flag to add, and records no run for the page.
    /// </summary>
    [Fact]
    public async Task Ingest_WithoutSandbox_AfterASandboxLogin_StopsInOneLine_AndRecordsNoRun()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)));
        await app.LogInAsync();

        var (exit, stdout, stderr) = await CliProcess.RunSplitAsync(app, false, "ingest", "intraday");
        var (checkExit, _, checkError) = await CliProcess.RunSplitAsync(app, false, "token", "status", "--check");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("The stored token is the FYERS sandbox's (app SANDBOX01-100), so it would be refused by FYERS: add --sandbox", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(app.LakeDirectory, "_state", "runs")) && File.Exists(Path.Combine(app.LakeDirectory, "_state", "runs", "intraday.json")));
        Assert.Equal(ExitCodes.Usage, checkExit);
        Assert.Contains("add --sandbox", checkError, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: a person's run that fails before it asks FYERS anything is theirs to read on the
    /// terminal; the page keeps showing the scheduled jobs. A manual run that reaches FYERS is shared.
    /// </summary>
    [Fact]
    public async Task Ingest_ByHand_FailingBeforeAnyFyersCall_LeavesThePagesRunsAlone_AReachingRunIsShared()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)));
        var runs = Path.Combine(app.LakeDirectory, "_state", "runs");

        var (exit, said) = await CliProcess.RunAsync(app, "ingest", "quotes");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("log in", said, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(runs, "quotes.json")), "a run that never reached FYERS replaced the page's record");

        await app.LogInAsync();
        var (okExit, _) = await CliProcess.RunAsync(app, "ingest", "quotes");

        Assert.Equal(ExitCodes.Ok, okExit);
        Assert.True(File.Exists(Path.Combine(runs, "quotes.json")));
    }

    /// <summary>Issue 21: `pricefeed stream` before any login stops at once with the reason, exit 1.</summary>
    [Fact]
    public async Task Stream_WithoutALogin_StopsWithLoginNeeded()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330)));

        var (exit, stdout, _) = await CliProcess.RunSplitAsync(app, true, "stream");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.StartsWith("stream: login-needed. 0 symbols, 0 ticks", stdout, StringComparison.Ordinal);
        Assert.Contains("log in with FYERS", stdout, StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.SocketsAccepted);
    }

    [Fact]
    public async Task UnknownCommand_Options_AreUsageErrors()
    {
        using var error = new StringWriter();
        var code = await PriceFeedCli.RunAsync(["token", "status", "--frob"], TextReader.Null, TextWriter.Null, error, Ct);
        Assert.Equal(ExitCodes.Usage, code);
    }

    /// <summary>A person at the terminal: answers the prompts in order, then does the browser part when asked for the URL.</summary>
    private sealed class ScriptedPerson(StringWriter screen, string[] answers, Func<string, Task<string>> pasteRedirect) : TextReader
    {
        private int next;

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            next < answers.Length ? answers[next++] : await pasteRedirect(screen.ToString());
    }
}
