using System.Globalization;

namespace PriceFeed.Lake;

/// <summary>Deterministic object keys: a rerun writes the same key, never a new wall-clock-named file (fyers-protocol.md §13.11).</summary>
public static class LakeKeys
{
    public static string Candles(string resolution, DateOnly istDate) =>
        $"candles/resolution={resolution}/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/part-000.parquet";

    public static string Quarantine(string resolution, DateOnly istDate) =>
        $"quarantine/resolution={resolution}/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/part-000.jsonl";

    /// <summary>A day of ticks from the data socket, compacted from the tick log after the close (issue 21).</summary>
    public static string Ticks(DateOnly istDate) =>
        $"ticks/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/part-000.parquet";

    /// <summary>Where the compacted tick days are.</summary>
    public const string TicksRoot = "ticks/";

    /// <summary>A day's reconcile of the live stream's bars with REST's (issue 21).</summary>
    public static string Reconcile(DateOnly istDate) =>
        $"reports/reconcile/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/reconcile.json";

    /// <summary>Where the quotes snapshots are.</summary>
    public const string QuotesRoot = "quotes/";

    /// <summary>Where <c>verify --repair</c> moves a data file that cannot be read, under its own key.</summary>
    public static string Unreadable(string key) => $"quarantine/unreadable/{key}";

    public static string Quotes(DateOnly istDate, string runId) =>
        $"quotes/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{runId}.parquet";

    /// <summary>Where the partitions of one resolution are; every key under it holds "date=yyyy-MM-dd".</summary>
    public static string CandlesOf(string resolution) => $"candles/resolution={resolution}/";

    /// <summary>The IST date in a partition's key, or null for a key without one.</summary>
    public static DateOnly? DateOf(string key) =>
        key?.Split('/').FirstOrDefault(p => p.StartsWith("date=", StringComparison.Ordinal) && p.Length >= 15) is { } part
        && DateOnly.TryParseExact(part[5..15], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    public const string Cursors = "_state/cursors.json";

    /// <summary>The writer lock: one run writes a lake at a time (a locked file locally, a conditional-write lease in S3).</summary>
    public const string WriterLock = "_state/writer.lock";

    /// <summary>Beside the local lock file, who holds it (the locked file itself cannot be read by others).</summary>
    public const string WriterHolder = "_state/writer.json";

    /// <summary>Trading days FYERS' answers lacked, open or given up (<see cref="GapLedger"/>).</summary>
    public const string Gaps = "_state/gaps.json";

    public const string BackfillLedgers = "_state/backfill/";

    public static string BackfillLedger(string id) => $"{BackfillLedgers}{id}.json";

    /// <summary>The last run of a job, read by the page, /api/status and <c>pricefeed status</c> whoever ran it.</summary>
    public static string Run(string job) => $"{Runs}{job}.json";

    public const string Runs = "_state/runs/";
}
