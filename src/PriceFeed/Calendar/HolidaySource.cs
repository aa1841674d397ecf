using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Calendar;

/// <summary>
/// Keeps the calendar's holiday list current and says, loudly, when it runs out. The embedded list
/// covers the years NSE had published when this build was made; for a later year PriceFeed keeps
/// running on weekdays (intraday runs still ask FYERS whether the market is open; a holiday's
/// end-of-day run fails for lack of bars, it never stores any), and from 1 December
/// of the year before it warns on the page, in /api/status, in every run report and in the
/// HolidayListMissing metric the alarms watch, with the one line that adds the holidays. On AWS that
/// line writes the holidays parameter (Calendar:HolidaysParameter), read here at each run: no deploy.
/// </summary>
internal sealed partial class HolidaySource(MarketCalendar calendar, IOptions<CalendarOptions> options, IServiceProvider services, TimeProvider time, ILogger<HolidaySource> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim gate = new(1, 1);
    private DateTimeOffset readUntil = DateTimeOffset.MinValue;
    private string? problem;

    /// <summary>Reads the holidays parameter (cached for five minutes). A parameter that cannot be read or parsed keeps the last good list and becomes the warning.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HolidaysParameter is not { Length: > 0 } name)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (readUntil > time.GetUtcNow())
            {
                return;
            }

            // Misconfigured: say so where the holiday warning is seen, rather than failing every run and page load.
            if (services.GetService<IAmazonSimpleSystemsManagement>() is not { } ssm)
            {
                problem = $"Calendar:HolidaysParameter ({name}) needs Tokens:Store=ssm, which gives PriceFeed its SSM client; the embedded holidays stay in use.";
                readUntil = time.GetUtcNow() + CacheFor;
                return;
            }

            try
            {
                var value = (await ssm.GetParameterAsync(new GetParameterRequest { Name = name }, cancellationToken)).Parameter?.Value;
                calendar.UseAddedHolidays(HolidayText.Parse(value, name));
                problem = null;
            }
            catch (ParameterNotFoundException)
            {
                calendar.UseAddedHolidays([]);
                problem = null;
            }
            catch (FormatException e)
            {
                problem = e.Message + " Until it is fixed, the holidays read before stay in use.";
                Log.HolidaysUnusable(logger, name, e.Message);
            }
            catch (AmazonSimpleSystemsManagementException e)
            {
                problem = $"The holidays parameter {name} could not be read ({e.ErrorCode}); the holidays read before stay in use.";
                Log.HolidaysUnusable(logger, name, e.Message);
            }

            readUntil = time.GetUtcNow() + CacheFor;
        }
        finally
        {
            gate.Release();
        }
    }

    public CalendarCoverage Coverage() => Coverage(time.GetUtcNow());

    public CalendarCoverage Coverage(DateTimeOffset now)
    {
        var today = MarketTime.IstDate(now);
        var through = calendar.LastCoveredYear(calendar.Covers(today) ? today.Year : today.Year - 1);
        if (problem is not null)
        {
            return new CalendarCoverage(through, problem);
        }

        if (!calendar.Covers(today))
        {
            return new CalendarCoverage(through, $"PriceFeed has no NSE holidays for {today.Year}: every {today.Year} weekday counts as a trading day, so on a holiday the end-of-day run fails for lack of bars. Add {today.Year}'s NSE holidays: {HowToAdd(today.Year)}");
        }

        var nextYear = new DateOnly(today.Year + 1, 1, 1);
        return today.Month == 12 && !calendar.Covers(nextYear)
            ? new CalendarCoverage(through, $"PriceFeed's NSE holidays end with {today.Year}: from 1 January every weekday counts as a trading day until {nextYear.Year}'s holidays are added (NSE publishes them in December): {HowToAdd(nextYear.Year)}")
            : new CalendarCoverage(through, null);
    }

    private string HowToAdd(int year)
    {
        var example = $"{year}-01-26=Republic Day,{year}-03-...";
        return options.Value.HolidaysParameter is { Length: > 0 } name
            ? $"aws ssm put-parameter --name {name} --value \"{example}\" --overwrite"
            : $"set Calendar__Holidays=\"{example}\" in the environment (or \"Calendar\": {{ \"Holidays\": \"...\" }} in appsettings.json) and restart.";
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The holidays parameter {Name} is unusable: {Error}")]
        public static partial void HolidaysUnusable(ILogger logger, string name, string error);
    }
}
