using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.App.Tests.Support;
using PriceFeed.Calendar;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>
/// The embedded NSE holidays end with 2027. From 1 December 2027 PriceFeed says so, with the line
/// that adds 2028's; in 2028 without them it keeps running on weekdays and says so louder.
/// </summary>
public sealed class HolidayCoverageTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (HolidaySource Source, MarketCalendar Calendar, FakeTimeProvider Clock) Create(DateTimeOffset now, CalendarOptions? options = null, IServiceProvider? services = null)
    {
        options ??= new CalendarOptions();
        var calendar = MarketCalendar.Load(options);
        var clock = new FakeTimeProvider(now);
        var source = new HolidaySource(calendar, Options.Create(options), services ?? new ServiceCollection().BuildServiceProvider(), clock, NullLogger<HolidaySource>.Instance);
        return (source, calendar, clock);
    }

    [Fact]
    public void Coverage_November2027_IsQuiet()
    {
        var coverage = Create(new DateTimeOffset(2027, 11, 30, 23, 59, 0, Ist)).Source.Coverage();

        Assert.Null(coverage.Warning);
        Assert.Equal(2027, coverage.CoveredThrough);
    }

    [Fact]
    public void Coverage_FirstOfDecember2027_WarnsAbout2028WithTheLineThatFixesIt()
    {
        var coverage = Create(new DateTimeOffset(2027, 12, 1, 0, 0, 0, Ist)).Source.Coverage();

        Assert.True(coverage.HolidayListMissing);
        Assert.Contains("until 2028's holidays are added", coverage.Warning, StringComparison.Ordinal);
        Assert.Contains("Calendar__Holidays=\"2028-01-26=Republic Day", coverage.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Coverage_In2028WithoutItsHolidays_SaysWeekdaysCountAsTradingDays()
    {
        var (source, calendar, _) = Create(new DateTimeOffset(2028, 1, 26, 10, 0, 0, Ist));

        Assert.Contains("no NSE holidays for 2028", source.Coverage().Warning, StringComparison.Ordinal);
        Assert.True(calendar.IsTradingDay(new DateOnly(2028, 1, 26))); // unknown: a weekday, so a session
        Assert.Equal(2027, source.Coverage().CoveredThrough);
    }

    [Fact]
    public void Coverage_2028AddedByConfiguration_IsQuietAndKnowsTheHoliday()
    {
        var (source, calendar, _) = Create(new DateTimeOffset(2028, 1, 25, 10, 0, 0, Ist), new CalendarOptions { Holidays = "2028-01-26=Republic Day, 2028-03-01" });

        Assert.Null(source.Coverage().Warning);
        Assert.False(calendar.IsTradingDay(new DateOnly(2028, 1, 26)));
        Assert.False(calendar.IsTradingDay(new DateOnly(2028, 3, 1)));
        Assert.Equal("Republic Day", calendar.HolidayName(new DateOnly(2028, 1, 26)));
    }

    [Fact]
    public void Load_HolidayThatIsNotADate_SaysHowToWriteIt()
    {
        var error = Assert.Throws<FormatException>(() => MarketCalendar.Load(new CalendarOptions { Holidays = "26/01/2028" }));

        Assert.Contains("'26/01/2028'", error.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_HolidaysParameter_AddsTheYearWithoutARestart_AndABadValueKeepsTheLastGoodList()
    {
        await using var ssm = await SsmFake.StartAsync();
        const string Name = "/stock-pipeline/config/holidays";
        ssm.Parameters[Name] = new SsmFake.Parameter(Name, "none", "String", null, 1);
        using var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"), new AmazonSimpleSystemsManagementConfig { ServiceURL = ssm.Url.AbsoluteUri, AuthenticationRegion = "ap-south-1" });
        var services = new ServiceCollection().AddSingleton<IAmazonSimpleSystemsManagement>(client).BuildServiceProvider();
        var (source, calendar, clock) = Create(new DateTimeOffset(2027, 12, 15, 8, 0, 0, Ist), new CalendarOptions { HolidaysParameter = Name }, services);

        await source.RefreshAsync(Ct);
        Assert.Contains($"aws ssm put-parameter --name {Name}", source.Coverage().Warning, StringComparison.Ordinal);

        ssm.Parameters[Name] = new SsmFake.Parameter(Name, "2028-01-26=Republic Day,2028-03-01=Mahashivratri", "String", null, 2);
        await source.RefreshAsync(Ct);
        Assert.NotNull(source.Coverage().Warning); // read at most every five minutes

        clock.Advance(TimeSpan.FromMinutes(5));
        await source.RefreshAsync(Ct);
        Assert.Null(source.Coverage().Warning);
        Assert.False(calendar.IsTradingDay(new DateOnly(2028, 3, 1)));

        ssm.Parameters[Name] = new SsmFake.Parameter(Name, "2028-01-26,tomorrow", "String", null, 3);
        clock.Advance(TimeSpan.FromMinutes(5));
        await source.RefreshAsync(Ct);
        Assert.Contains("'tomorrow'", source.Coverage().Warning, StringComparison.Ordinal);
        Assert.False(calendar.IsTradingDay(new DateOnly(2028, 3, 1))); // the last good list stays
    }

    [Fact]
    public async Task Serve_December2027_ShowsTheWarningInStatus_AndEveryRunReportsTheMetric()
    {
        await using var app = await TestApp.StartAsync(now: new DateTimeOffset(2027, 12, 6, 8, 0, 0, Ist)); // a Monday
        using var browser = await app.NewBrowser().AsOwnerAsync();

        var status = await browser.StatusAsync();
        var report = await app.App.Services.GetRequiredService<PriceFeed.Ingestion.IngestionRunner>().RunAsync(PriceFeed.Ingestion.Job.TokenCheck, Ct);

        Assert.Contains("until 2028's holidays are added", status.GetProperty("calendar").GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Equal(2027, status.GetProperty("calendar").GetProperty("coveredThrough").GetInt32());
        Assert.Equal(PriceFeed.Ingestion.RunStatus.LoginNeeded, report.Status); // no token: the check itself still runs, and asks for a login
        Assert.NotNull(report.CalendarWarning);
        Assert.Contains("\"HolidayListMissing\":1", app.Emf.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_ParameterWithoutAnSsmClient_BecomesTheWarningInsteadOfFailingTheRun()
    {
        var (source, _, _) = Create(new DateTimeOffset(2027, 6, 15, 9, 30, 0, Ist), new CalendarOptions { HolidaysParameter = "/stock-pipeline/config/holidays" });

        await source.RefreshAsync(Ct);

        Assert.Contains("needs Tokens:Store=ssm", source.Coverage().Warning, StringComparison.Ordinal);
    }
}
