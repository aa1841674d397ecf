using System.Text.Json.Serialization;

namespace PriceFeed.Ingestion;

/// <summary>The jobs. Their JSON and display names ("token-check") are what EventBridge sends, the CLI takes and the page shows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Job>))]
public enum Job
{
    [JsonStringEnumMemberName("intraday")]
    Intraday,

    [JsonStringEnumMemberName("eod")]
    Eod,

    [JsonStringEnumMemberName("quotes")]
    Quotes,

    [JsonStringEnumMemberName("token-check")]
    TokenCheck,

    /// <summary>Run by a person (the CLI, verify --repair), never by the scheduler.</summary>
    [JsonStringEnumMemberName("backfill")]
    Backfill,
}

/// <summary>How a run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>Stopped on purpose (a request budget) with work left; the same command continues it.</summary>
    [JsonStringEnumMemberName("partial")]
    Partial,

    /// <summary>
    /// The pre-open check found no usable token: a person must log in. The job itself worked, so it is
    /// no failure (HTTP 200, no Lambda error, no retry, no "ingestion failed" mail); TokenValid=0
    /// raises the one reminder, with the page's address. The CLI still exits 1, for scripts.
    /// </summary>
    [JsonStringEnumMemberName("login-needed")]
    LoginNeeded,
}

/// <summary>The words of <see cref="Job"/> and <see cref="RunStatus"/>, the same as their JSON.</summary>
public static class RunNames
{
    /// <summary>The jobs a scheduler runs (the CLI's <c>ingest</c>, <c>POST /events</c>).</summary>
    public static readonly Job[] Scheduled = [Job.Intraday, Job.Eod, Job.Quotes, Job.TokenCheck];

    public static string Text(this Job job) => job switch
    {
        Job.Intraday => "intraday",
        Job.Eod => "eod",
        Job.Quotes => "quotes",
        Job.TokenCheck => "token-check",
        Job.Backfill => "backfill",
        _ => throw new ArgumentOutOfRangeException(nameof(job)),
    };

    public static string Text(this RunStatus status) => status switch
    {
        RunStatus.Ok => "ok",
        RunStatus.Failed => "failed",
        RunStatus.Skipped => "skipped",
        RunStatus.Partial => "partial",
        RunStatus.LoginNeeded => "login-needed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>A scheduled job by its name; false for anything else (backfill included: it needs a range).</summary>
    public static bool TryParseScheduled(string? name, out Job job)
    {
        foreach (var candidate in Scheduled)
        {
            if (string.Equals(candidate.Text(), name, StringComparison.Ordinal))
            {
                job = candidate;
                return true;
            }
        }

        job = default;
        return false;
    }

    public static IEnumerable<string> ScheduledNames => Scheduled.Select(j => j.Text());
}
