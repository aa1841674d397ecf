using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>`serve` on the laptop schedules itself: during a session the intraday job runs without anyone asking.</summary>
public sealed class LocalSchedulerTests
{
    [Fact]
    public async Task Serve_DuringASession_FillsTheLakeByItself()
    {
        var duringSession = new DateTimeOffset(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));
        await using var app = await TestApp.StartAsync(now: duringSession);
        await app.LogInAsync();

        // A second app on the same data folder, with the scheduler on, as `pricefeed serve --sandbox` runs it.
        await using var scheduled = await TestApp.StartAsync(now: duringSession, dataDirectory: app.DataDirectory, extraSettings: ["--Ingestion:LocalScheduler=true", "--Live:Enabled=false"]);
        var history = scheduled.App.Services.GetRequiredService<RunHistory>();
        for (var i = 0; i < 200 && history.Latest.Count == 0; i++)
        {
            // Bounded poll for the background service's first pass; no timing is asserted.
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var report = Assert.Single(history.Latest);
        Assert.Equal(Job.Intraday, report.Job);
        Assert.Equal(RunStatus.Ok, report.Status);
        Assert.Equal(2 * 105, (await scheduled.App.Services.GetRequiredService<PriceFeed.Lake.CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), TestContext.Current.CancellationToken)).Count);
    }
}
