using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// Issue 18: the alarms mail only when something is wrong, and once. Scripted days run through the
/// real jobs (POST /events, as the adapter delivers Scheduler's payloads, at the times the schedules in
/// infra/ fire); the EMF lines they print and Lambda's own per-invocation metrics (Errors for an
/// answer of 5xx under AWS_LWA_ERROR_STATUS_CODES, Throttles 0) become datapoints; every alarm of
/// infra/alarms.tf is evaluated over them at every period boundary until midnight (CloudWatchAlarm,
/// MetricMath), and the mails counted: one per change into ALARM, one per change back to OK.
/// </summary>
[Trait("Category", "Emulator")]
public sealed class AlarmReplayTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    public static TheoryData<string> Days => ["normal", "late-login", "outage", "holiday", "saturday", "fyers-closed"];

    /// <summary>What each scripted day may mail: every alarm not named must stay silent.</summary>
    private static readonly Dictionary<string, Dictionary<string, int>> Expected = new()
    {
        ["normal"] = [],
        ["late-login"] = new() { ["token_invalid"] = 2 },
        ["outage"] = new() { ["ingestion_failed"] = 2, ["heartbeat"] = 2 },
        ["holiday"] = [],
        ["saturday"] = [],
        ["fyers-closed"] = [],
    };

    [Theory]
    [MemberData(nameof(Days))]
    public async Task ScriptedDay_MailsOnlyWhatIsWrong_AndOnce(string day)
    {
        var model = InfraModel.Load();
        var alarms = CloudWatchAlarm.Load(model);
        var (date, loginAt, outage, fyersClosed) = day switch
        {
            "normal" => (new DateOnly(2026, 11, 27), new TimeOnly(8, 30), ((TimeOnly, TimeOnly)?)null, false),
            "late-login" => (new DateOnly(2026, 11, 27), new TimeOnly(10, 31), null, false),
            "outage" => (new DateOnly(2026, 11, 27), new TimeOnly(8, 30), (new TimeOnly(11, 0), new TimeOnly(11, 40)), false),
            "holiday" => (new DateOnly(2026, 11, 24), new TimeOnly(8, 30), null, false), // Prakash Gurpurb, a Tuesday
            "saturday" => (new DateOnly(2026, 11, 28), new TimeOnly(8, 30), null, false),
            "fyers-closed" => (new DateOnly(2026, 11, 27), new TimeOnly(8, 30), null, true),
            _ => throw new ArgumentOutOfRangeException(nameof(day)),
        };

        var data = await RunDayAsync(model, date, loginAt, outage, fyersClosed);

        var mails = new Dictionary<string, int>();
        var trail = new List<string>();
        foreach (var alarm in alarms)
        {
            var state = AlarmState.Ok; // the day before ended quiet
            for (var t = At(date, new TimeOnly(8, 0)); t <= At(date.AddDays(1), TimeOnly.MinValue); t += TimeSpan.FromMinutes(5))
            {
                if (t.UtcTicks % alarm.Period.Ticks != 0)
                {
                    continue;
                }

                var next = alarm.Evaluate(state, t, data);
                if (next != state && (next == AlarmState.Alarm || alarm.OkActions))
                {
                    mails[alarm.Name] = mails.GetValueOrDefault(alarm.Name) + 1;
                    trail.Add($"{alarm.Name} -> {next} at {t.ToOffset(Ist):HH:mm} IST");
                }

                state = next;
            }
        }

        var expected = Expected[day];
        var report = $"{day}: {string.Join("; ", trail)}";
        Assert.True(expected.OrderBy(e => e.Key).SequenceEqual(mails.OrderBy(m => m.Key)), report);
    }

    /// <summary>The day's invocations in time order, each one's datapoints.</summary>
    private static async Task<List<Datapoint>> RunDayAsync(InfraModel model, DateOnly date, TimeOnly loginAt, (TimeOnly From, TimeOnly To)? outage, bool fyersClosed)
    {
        var schedules = new Dictionary<string, string>
        {
            ["token-check"] = "token_check_schedule",
            ["intraday"] = "intraday_schedule",
            ["eod"] = "eod_schedule",
            ["quotes"] = "quotes_schedule",
        };
        var invocations = schedules
            .Select(s => (Job: s.Key, Cron: model.Value(JsonValue.Create($"${{var.{s.Value}}}")) as string))
            .Where(s => s.Cron is not null)
            .SelectMany(s => new ScheduleCron(s.Cron!).On(date).Select(time => (Time: time, s.Job)))
            .OrderBy(i => i.Time)
            .ToList();
        var function = model.Attribute("aws_lambda_function", "ingestion", "function_name");
        var lambda = Datapoint.Dims([KeyValuePair.Create("FunctionName", function)]);

        await using var app = await TestApp.StartAsync(now: At(date, new TimeOnly(8, 0)), symbols: "NSE:SBIN-EQ", extraSettings: ["--Events:Enabled=true", "--Fyers:RetryBaseDelay=00:00:00.010"]);
        var http = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var data = new List<Datapoint>();
        var loggedIn = false;
        foreach (var (time, job) in invocations)
        {
            if (!loggedIn && time >= loginAt)
            {
                app.Clock.SetUtcNow(At(date, loginAt));
                await app.LogInAsync();
                loggedIn = true;
            }

            var now = At(date, time).AddSeconds(2);
            app.Clock.SetUtcNow(now);
            app.Sandbox.Faults.ServerErrorRate = outage is { } o && time >= o.From && time < o.To ? 1.0 : 0;
            app.Sandbox.Faults.MarketStatusOverride = fyersClosed ? "CLOSED" : null;
            var printed = app.Emf.ToString().Length;
            using var response = await http.PostAsJsonAsync(new Uri(app.PageUrl, "events"), new { job }, TestContext.Current.CancellationToken);
            data.Add(new Datapoint("AWS/Lambda", "Errors", lambda, now, (int)response.StatusCode >= 500 ? 1 : 0));
            data.Add(new Datapoint("AWS/Lambda", "Throttles", lambda, now, 0));
            data.AddRange(Emf(app.Emf.ToString()[printed..]));
        }

        return data;
    }

    /// <summary>The metrics CloudWatch extracts from EMF lines: the declared ones, with the directive's dimensions.</summary>
    private static IEnumerable<Datapoint> Emf(string lines)
    {
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var aws = root.GetProperty("_aws");
            var time = DateTimeOffset.FromUnixTimeMilliseconds(aws.GetProperty("Timestamp").GetInt64());
            foreach (var directive in aws.GetProperty("CloudWatchMetrics").EnumerateArray())
            {
                var ns = directive.GetProperty("Namespace").GetString()!;
                foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
                {
                    var dims = Datapoint.Dims(set.EnumerateArray().Select(d => KeyValuePair.Create(d.GetString()!, root.GetProperty(d.GetString()!).GetString()!)));
                    foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
                    {
                        var name = metric.GetProperty("Name").GetString()!;
                        yield return new Datapoint(ns, name, dims, time, root.GetProperty(name).GetDouble());
                    }
                }
            }
        }
    }

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), Ist);
}
