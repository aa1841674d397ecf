using System.Net;
using System.Net.Http.Json;
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
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job = "intraday" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("token page", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
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
}
