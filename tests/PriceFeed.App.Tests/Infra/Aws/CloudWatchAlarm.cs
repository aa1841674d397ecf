using System.Text.Json.Nodes;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>A datapoint a run left: EMF metrics from stdout, or what Lambda records per invocation.</summary>
internal sealed record Datapoint(string Namespace, string Name, string Dimensions, DateTimeOffset Time, double Value)
{
    public static string Dims(IEnumerable<KeyValuePair<string, string>> dimensions) =>
        string.Join(',', dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
}

internal enum AlarmState
{
    Ok,
    Alarm,
}

/// <summary>
/// One aws_cloudwatch_metric_alarm of infra/alarms.tf, read from the HCL, evaluated as CloudWatch
/// documents it ("Evaluating an alarm", "Configuring how CloudWatch alarms treat missing data"): at the
/// end of each period the last evaluation_periods datapoints are judged against the threshold; the
/// alarm goes to ALARM when datapoints_to_alarm of them breach; missing datapoints count as the
/// alarm's treat_missing_data says (notBreaching: fine; breaching: bad; ignore: the state stays,
/// judged on the datapoints that exist). The evaluation range is exactly evaluation_periods periods
/// (AWS may look a little further back for extra datapoints; with runs every 5 minutes that changes
/// nothing here).
/// </summary>
internal sealed class CloudWatchAlarm
{
    private readonly Query[] queries;

    private CloudWatchAlarm(string name, TimeSpan period, int periods, int toAlarm, double threshold, string comparison, string missing, Query[] queries, bool okActions)
    {
        Name = name;
        Period = period;
        Periods = periods;
        ToAlarm = toAlarm;
        Threshold = threshold;
        Comparison = comparison;
        Missing = missing;
        this.queries = queries;
        OkActions = okActions;
    }

    public string Name { get; }

    public TimeSpan Period { get; }

    public int Periods { get; }

    public int ToAlarm { get; }

    public double Threshold { get; }

    public string Comparison { get; }

    public string Missing { get; }

    public bool OkActions { get; }

    private sealed record Query(string Id, string? Expression, string? Namespace, string? Metric, string? Dimensions, string? Stat, bool ReturnData);

    /// <summary>Every alarm of infra/, for_each ones expanded, keyed as Terraform addresses them.</summary>
    public static IReadOnlyList<CloudWatchAlarm> Load(InfraModel model)
    {
        var alarms = new List<CloudWatchAlarm>();
        foreach (var (name, body) in model.All("resource", "aws_cloudwatch_metric_alarm"))
        {
            // An alarm counted on a variable (live_stream's) exists only when that variable is on.
            if (body["count"] is { } count && Convert.ToDouble(model.Value(count), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                continue;
            }

            if (body["for_each"] is { } forEach)
            {
                var items = model.Value(forEach) as IReadOnlyDictionary<string, object?> ?? throw new InvalidOperationException($"{name}: for_each is not a map");
                foreach (var (key, value) in items)
                {
                    alarms.Add(From($"{name}[\"{key}\"]", body, model, path => path switch { ["each", "key"] => key, ["each", "value"] => value, _ => null }));
                }
            }
            else
            {
                alarms.Add(From(name, body, model, null));
            }
        }

        return alarms;
    }

    private static CloudWatchAlarm From(string name, JsonObject body, InfraModel model, Func<string[], object?>? each)
    {
        string? Text(JsonNode? node) => node is null ? null : model.String(node, each);
        double Number(JsonNode? node) => model.Value(node, each) is double d ? d : throw new InvalidOperationException($"{name}: not a number: {node}");
        string Dims(JsonNode? node) => node is null ? string.Empty : Datapoint.Dims(((IReadOnlyDictionary<string, object?>)model.Value(node, each)!).Select(d => KeyValuePair.Create(d.Key, HclExpression.Format(d.Value))));

        var periods = (int)Number(body["evaluation_periods"]);
        Query[] queries;
        TimeSpan period;
        if (body["metric_query"] is JsonArray list)
        {
            queries = [.. list.Select(q => q!.AsObject()).Select(q => q["metric"]?[0] is JsonObject m
                ? new Query(q["id"]!.ToString(), null, Text(m["namespace"]), Text(m["metric_name"]), Dims(m["dimensions"]), Text(m["stat"]), q["return_data"]?.GetValue<bool>() ?? false)
                : new Query(q["id"]!.ToString(), Text(q["expression"]), null, null, null, null, q["return_data"]?.GetValue<bool>() ?? false))];
            period = TimeSpan.FromSeconds(list.Select(q => q!["metric"]?[0]?["period"]).Where(p => p is not null).Select(p => Number(p)).Distinct().Single());
        }
        else
        {
            queries = [new Query("m", null, Text(body["namespace"]), Text(body["metric_name"]), Dims(body["dimensions"]), Text(body["statistic"]), true)];
            period = TimeSpan.FromSeconds(Number(body["period"]));
        }

        return new CloudWatchAlarm(
            name,
            period,
            periods,
            body["datapoints_to_alarm"] is { } m2 ? (int)Number(m2) : periods,
            Number(body["threshold"]),
            Text(body["comparison_operator"])!,
            Text(body["treat_missing_data"]) ?? "missing",
            queries,
            body["ok_actions"] is not null);
    }

    /// <summary>The state after an evaluation at <paramref name="now"/> (a period boundary), from <paramref name="current"/>.</summary>
    public AlarmState Evaluate(AlarmState current, DateTimeOffset now, IReadOnlyList<Datapoint> data)
    {
        var last = new DateTimeOffset(now.UtcTicks / Period.Ticks * Period.Ticks, TimeSpan.Zero) - Period;
        var window = Enumerable.Range(0, Periods).Select(i => last - (Periods - 1 - i) * Period).ToList();
        var series = Values(window, data);
        var present = window.Where(series.ContainsKey).ToList();
        var breaching = present.Count(t => Breaches(series[t]));
        switch (Missing)
        {
            case "notBreaching":
                return breaching >= ToAlarm ? AlarmState.Alarm : AlarmState.Ok;
            case "breaching":
                return breaching + (Periods - present.Count) >= ToAlarm ? AlarmState.Alarm : AlarmState.Ok;
            case "ignore":
                if (present.Count == 0)
                {
                    return current;
                }

                return breaching >= Math.Min(ToAlarm, present.Count) ? AlarmState.Alarm : present.Count - breaching > Periods - ToAlarm ? AlarmState.Ok : current;
            default:
                throw new InvalidOperationException($"{Name}: treat_missing_data '{Missing}' is not replayed (choose one of notBreaching, breaching, ignore)");
        }
    }

    private bool Breaches(double value) => Comparison switch
    {
        "GreaterThanOrEqualToThreshold" => value >= Threshold,
        "GreaterThanThreshold" => value > Threshold,
        "LessThanThreshold" => value < Threshold,
        "LessThanOrEqualToThreshold" => value <= Threshold,
        _ => throw new InvalidOperationException($"{Name}: comparison {Comparison} is not replayed"),
    };

    private Series Values(List<DateTimeOffset> window, IReadOnlyList<Datapoint> data)
    {
        var results = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var q in queries.Where(q => q.Expression is null))
        {
            var series = new Series();
            foreach (var t in window)
            {
                var values = data.Where(d => d.Namespace == q.Namespace && d.Name == q.Metric && d.Dimensions == q.Dimensions && d.Time >= t && d.Time < t + Period).Select(d => d.Value).ToList();
                if (values.Count > 0)
                {
                    series[t] = q.Stat switch
                    {
                        "Sum" => values.Sum(),
                        "Average" => values.Average(),
                        "Minimum" => values.Min(),
                        "Maximum" => values.Max(),
                        "SampleCount" => values.Count,
                        _ => throw new InvalidOperationException($"{Name}: statistic {q.Stat} is not replayed"),
                    };
                }
            }

            results[q.Id] = series;
        }

        // Expressions may refer to each other; evaluate until all are known.
        var pending = queries.Where(q => q.Expression is not null).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.First(q => pending.All(other => other == q || !q.Expression!.Contains(other.Id, StringComparison.Ordinal)));
            results[ready.Id] = MetricMath.Evaluate(ready.Expression!, window, id => results.TryGetValue(id, out var v) ? v : throw new InvalidOperationException($"{Name}: no query '{id}'"));
            pending.Remove(ready);
        }

        return results[queries.Single(q => q.ReturnData).Id] as Series ?? throw new InvalidOperationException($"{Name}: the alarm's value is not a time series");
    }
}
