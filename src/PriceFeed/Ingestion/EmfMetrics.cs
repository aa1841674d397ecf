using System.Text;
using System.Text.Json;

namespace PriceFeed.Ingestion;

/// <summary>
/// One CloudWatch Embedded Metric Format line per run, on stdout (docs/deploy-aws.md A4): Lambda ships
/// stdout to CloudWatch Logs, which turns the line into metrics. Written directly, not through
/// ILogger, which would prefix or split it. Written before the run's response returns.
/// </summary>
/// <remarks>
/// Every number is always in the line (CloudWatch Logs Insights can query all of them), but each
/// declared metric × job is a CloudWatch custom metric billed monthly beyond the free ten. With
/// <paramref name="detailed"/> false (Metrics:Detailed=false, what Terraform sets by default) only the
/// ones the alarms and the lag graph need are declared: RunFailed, TokenValid, BarsWritten,
/// DataLagSeconds and HolidayListMissing, about a dozen metrics for the three scheduled jobs.
/// </remarks>
public sealed class EmfMetrics(TextWriter output, TimeProvider time, bool detailed = true)
{
    public const string Namespace = "PriceFeed";

    /// <summary>The metrics declared when not detailed.</summary>
    public static readonly string[] Core = ["RunFailed", "TokenValid", "BarsWritten", "DataLagSeconds", "HolidayListMissing"];

    private static readonly (string Name, string Unit)[] Definitions =
    [
        ("RunFailed", "Count"), ("TokenValid", "Count"), ("SymbolsOk", "Count"), ("SymbolsFailed", "Count"),
        ("BarsWritten", "Count"), ("BarsExpected", "Count"), ("BarsRejected", "Count"), ("Requests", "Count"),
        ("RateLimited", "Count"), ("DurationMs", "Milliseconds"), ("DataLagSeconds", "Seconds"), ("HolidayListMissing", "Count"), ("GapsOpen", "Count"),
    ];

    public string Write(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Emit(time.GetUtcNow(), Definitions.Where(d => Has(report, d.Name) && (detailed || Core.Contains(d.Name))), w =>
        {
            w.WriteString("Job", report.Job.Text());
            w.WriteString("Status", report.Status.Text());
            w.WriteNumber("RunFailed", report.IsFailure ? 1 : 0);
            if (Has(report, "TokenValid"))
            {
                w.WriteNumber("TokenValid", report.TokenValid ? 1 : 0);
            }

            w.WriteNumber("SymbolsOk", report.Symbols.Count(s => s.Ok));
            w.WriteNumber("SymbolsFailed", report.Symbols.Count(s => !s.Ok));
            w.WriteNumber("BarsWritten", report.BarsWritten);
            w.WriteNumber("BarsExpected", report.BarsExpected);
            w.WriteNumber("BarsRejected", report.BarsRejected);
            w.WriteNumber("Requests", report.Requests);
            w.WriteNumber("RateLimited", report.RateLimited);
            w.WriteNumber("HolidayListMissing", report.HolidayListMissing ? 1 : 0);
            w.WriteNumber("GapsOpen", report.GapsOpen);
            w.WriteNumber("DurationMs", (long)(report.FinishedAt - report.StartedAt).TotalMilliseconds);
            if (report.DataLagSeconds is { } lag)
            {
                w.WriteNumber("DataLagSeconds", Math.Round(lag));
            }
        });
    }

    /// <summary>The stream's metrics declared when not detailed: what a "no ticks" alarm needs.</summary>
    public static readonly string[] StreamCore = ["StreamLive", "TicksPerMinute"];

    private static readonly (string Name, string Unit)[] StreamDefinitions =
    [
        ("StreamLive", "Count"), ("TicksPerMinute", "Count"), ("LastTickAgeSeconds", "Seconds"), ("StreamReconnects", "Count"),
        ("LiveBarsWritten", "Count"), ("PartialMinutes", "Count"), ("LateTicks", "Count"),
    ];

    /// <summary>
    /// One line for the live stream (issue 21), written by the stream once a minute under the job
    /// "stream": whether it is live, ticks in the last minute, the last tick's age, and the session's
    /// reconnects, live bars, part minutes and late ticks so far. The tick age is left out before the
    /// first tick, so an alarm on it stays quiet before a login and when the market is shut.
    /// </summary>
    public string WriteStream(StreamMetrics status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var values = new List<(string Name, double Value)>
        {
            ("StreamLive", status.State == "live" ? 1 : 0),
            ("TicksPerMinute", status.TicksInLastMinute),
            ("StreamReconnects", status.Reconnects),
            ("LiveBarsWritten", status.BarsWritten),
            ("PartialMinutes", status.PartialMinutes),
            ("LateTicks", status.LateTicks),
        };
        if (status.LastTickAt is { } last)
        {
            values.Add(("LastTickAgeSeconds", Math.Round(Math.Max(0, (now - last).TotalSeconds))));
        }

        return Emit(now, StreamDefinitions.Where(d => values.Any(v => v.Name == d.Name) && (detailed || StreamCore.Contains(d.Name))), w =>
        {
            w.WriteString("Job", "stream");
            w.WriteString("Status", status.State);
            foreach (var (name, value) in values)
            {
                w.WriteNumber(name, value);
            }
        });
    }

    /// <summary>
    /// One line per stream shift on AWS (issue 22), at its end, under the job "stream-shift": the
    /// live-bar gap at its handover (left out when there was no handover to measure: the day's first
    /// shift, a closed market, a missing login) and whether it failed to stream at all.
    /// </summary>
    public string WriteShift(string outcome, bool failed, double? handoverGapSeconds, DateTimeOffset now)
    {
        var values = new List<(string Name, double Value)> { ("ShiftFailed", failed ? 1 : 0) };
        if (handoverGapSeconds is { } gap)
        {
            values.Add(("HandoverGapSeconds", Math.Round(gap)));
        }

        // Only the gap is a metric unless detailed: a shift that fails to stream is a Lambda error already.
        return Emit(now, values.Where(v => detailed || v.Name == "HandoverGapSeconds").Select(v => (v.Name, v.Name.EndsWith("Seconds", StringComparison.Ordinal) ? "Seconds" : "Count")), w =>
        {
            w.WriteString("Job", "stream-shift");
            w.WriteString("Outcome", outcome);
            foreach (var (name, value) in values)
            {
                w.WriteNumber(name, value);
            }
        });
    }

    /// <summary>
    /// One EMF line: the envelope (timestamp, namespace, the Job dimension and the declared metrics),
    /// then the values <paramref name="values"/> writes, then the line on the output, whole.
    /// </summary>
    private string Emit(DateTimeOffset at, IEnumerable<(string Name, string Unit)> declared, Action<Utf8JsonWriter> values)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", at.ToUnixTimeMilliseconds());
            w.WriteStartArray("CloudWatchMetrics");
            w.WriteStartObject();
            w.WriteString("Namespace", Namespace);
            w.WriteStartArray("Dimensions");
            w.WriteStartArray();
            w.WriteStringValue("Job");
            w.WriteEndArray();
            w.WriteEndArray();
            w.WriteStartArray("Metrics");
            foreach (var (name, unit) in declared)
            {
                w.WriteStartObject();
                w.WriteString("Name", name);
                w.WriteString("Unit", unit);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            values(w);
            w.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }

        return line;
    }

    /// <summary>
    /// A skipped run (market closed, holiday) never looked at the token and has no data lag: leaving
    /// those metrics out keeps the token alarm quiet at night, on weekends and on holidays. A failed
    /// run leaves the lag out too: the failure alarm already speaks for it, and one FYERS outage
    /// should not mail three times (issue 18). The lag alarm is for runs that succeed on stale data.
    /// </summary>
    private static bool Has(RunReport report, string metric) => metric switch
    {
        "TokenValid" => report.Status != RunStatus.Skipped,
        "DataLagSeconds" => report.DataLagSeconds is not null && !report.IsFailure,
        _ => true,
    };
}

/// <summary>The live stream's numbers for its metrics line (<see cref="EmfMetrics.WriteStream"/>).</summary>
public sealed record StreamMetrics(string State, long TicksInLastMinute, DateTimeOffset? LastTickAt, int Reconnects, long BarsWritten, int PartialMinutes, long LateTicks);
