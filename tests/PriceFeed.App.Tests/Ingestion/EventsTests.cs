using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>POST /events as EventBridge Scheduler sends it through the Lambda Web Adapter.</summary>
public sealed class EventsTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    [Fact]
    public async Task Events_Intraday_RunsTheJobAndAnswers200()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Events:Enabled=true");
        await app.LogInAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"ok\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_FailedRun_Answers500SoTheAdapterReportsALambdaError()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Events:Enabled=true");
        await app.LogInAsync();
        app.Sandbox.Faults.EmptyHistory = true;
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("\"status\":\"failed\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 18: a run that only waits for a login is no Lambda error (200), so a late login mails
    /// once (the token alarm) instead of also raising ingestion-failed and the heartbeat.
    /// </summary>
    [Fact]
    public async Task Events_RunWithoutToken_Answers200LoginNeeded_NotALambdaError()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Events:Enabled=true");
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"login-needed\"", body, StringComparison.Ordinal);
        Assert.Contains("token page", body, StringComparison.Ordinal);
        Assert.Contains("\"RunFailed\":0", app.Emf.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"TokenValid\":0", app.Emf.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_NotEnabled_IsNotMapped()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(0, app.Sandbox.RequestsTo("data/history"));
    }

    [Fact]
    public async Task Events_UnknownJob_IsA400WithTheList()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Events:Enabled=true");
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "ingest" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("intraday", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_NearTheInvocationDeadline_StopsAndReportsInsteadOfBeingKilled_AndTheNextRunFillsIn()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: "--Events:Enabled=true");
        await app.LogInAsync();
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        app.Sandbox.Faults.Latency = TimeSpan.FromSeconds(3);

        // What the adapter sends: the Lambda context with the deadline (wall clock, ms), 6.5 s away.
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(6.5).ToUnixTimeMilliseconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.PageUrl, "events")) { Content = JsonContent.Create(new { job = "intraday" }) };
        request.Headers.Add("x-amzn-lambda-context", $$$"""{"request_id":"8f0e","deadline":{{{deadline}}},"invoked_function_arn":"arn:aws:lambda:ap-south-1:123456789012:function:stock-pipeline-ingestion","xray_trace_id":"","client_context":null,"identity":null,"env_config":{"function_name":"stock-pipeline-ingestion","memory":512,"version":"$LATEST","log_stream":"","log_group":""}}""");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var answered = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("invocation deadline", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        // The contract is "answered before the deadline", where the adapter would kill the
        // invocation; not a wall-clock budget that a loaded machine can overrun.
        Assert.True(answered < deadline, $"answered {answered - deadline} ms after the deadline");
        Assert.Contains("\"RunFailed\":1", app.Emf.ToString(), StringComparison.Ordinal);

        app.Sandbox.Faults.Latency = TimeSpan.Zero;
        using var next = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var rows = await app.App.Services.GetRequiredService<PriceFeed.Lake.CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), TestContext.Current.CancellationToken);
        Assert.Equal(2 * 105, rows.Count);
    }

    [Fact]
    public async Task Events_OnAws_TheRunShowsOnTheTokenPageOfTheOtherFunction()
    {
        await using var ssm = await SsmFake.StartAsync();
        string[] aws = ["--Tokens:Store=ssm", $"--Tokens:SsmServiceUrl={ssm.Url}"];
        await using var ingestion = await TestApp.StartAsync(now: FridayEleven, extraSettings: [.. aws, "--Events:Enabled=true"]);
        await using var page = await TestApp.StartAsync(now: FridayEleven, extraSettings: aws);
        await ingestion.LogInAsync();
        var http = ingestion.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(ingestion.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);
        using var browser = await page.NewBrowser().AsOwnerAsync();
        var run = Assert.Single((await browser.StatusAsync()).GetProperty("runs").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("intraday", "ok", 210, 2, 2), (run.GetProperty("job").GetString(), run.GetProperty("status").GetString(), run.GetProperty("barsWritten").GetInt32(), run.GetProperty("seriesOk").GetInt32(), run.GetProperty("seriesTotal").GetInt32()));
        Assert.Equal("String", ssm.Parameters["/stock-pipeline/status/run-intraday"].Type);
        Assert.True(ssm.Parameters["/stock-pipeline/status/run-intraday"].Value.Length < 4096);
    }

    /// <summary>
    /// Something no run expects (here the lake folder cannot be created: a file is in its way) still
    /// ends as a failed run with its metrics line and its reason, so the alarm fires and the token
    /// page says why, instead of a bare 500 that only the function's log explains.
    /// </summary>
    [Fact]
    public async Task Events_WhenTheLakeCannotBeWritten_AnswersAFailedRunWithItsReasonAndMetrics()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            await using var app = await TestApp.StartAsync(now: FridayEleven, extraSettings: ["--Events:Enabled=true", $"--Ingestion:LakeDirectory={Path.Combine(blocker, "lake")}"]);
            await app.LogInAsync();
            var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

            using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            using var browser = await app.NewBrowser().AsOwnerAsync();
            var run = Assert.Single((await browser.StatusAsync()).GetProperty("runs").EnumerateArray());

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("failed", report.GetProperty("status").GetString());
            Assert.StartsWith("The intraday run failed: ", report.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains("\"RunFailed\":1", app.Emf.ToString(), StringComparison.Ordinal);
            Assert.Equal("failed", run.GetProperty("status").GetString());
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
