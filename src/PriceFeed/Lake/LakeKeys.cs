using System.Globalization;

namespace PriceFeed.Lake;

/// <summary>Deterministic object keys: a rerun writes the same key, never a new wall-clock-named file (fyers-protocol.md §13.11).</summary>
public static class LakeKeys
{
    public static string Candles(string resolution, DateOnly istDate) =>
        $"candles/resolution={resolution}/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/part-000.parquet";

    public static string Quarantine(string resolution, DateOnly istDate) =>
        $"quarantine/resolution={resolution}/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/part-000.jsonl";

    public static string Quotes(DateOnly istDate, string runId) =>
        $"quotes/date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{runId}.parquet";

    public const string Cursors = "_state/cursors.json";

    public static string BackfillLedger(string id) => $"_state/backfill/{id}.json";
}
