using System.Text.Json;

namespace PriceFeed.Lake;

/// <summary>
/// Trading days FYERS' answers lacked, per series: _state/gaps.json, "symbol|resolution|date" →
/// why and how often it was asked. A gap stays open (not marked done, asked again by the next run)
/// until an answer has the day, or until it has been asked on Ingestion:GapRetries different IST
/// days (fast reruns on one day count once); then it is given up and stays listed, so
/// <c>verify</c> (which then says the lake is not whole) and a person can see it.
/// </summary>
public sealed class GapLedger(IDataSink sink)
{
    public async Task<Dictionary<string, GapEntry>> ReadAsync(CancellationToken cancellationToken) =>
        await sink.ReadAsync(LakeKeys.Gaps, cancellationToken) is { } bytes
            ? JsonSerializer.Deserialize(bytes, LakeJsonContext.Default.DictionaryStringGapEntry) ?? new(StringComparer.Ordinal)
            : new(StringComparer.Ordinal);

    public Task WriteAsync(Dictionary<string, GapEntry> gaps, CancellationToken cancellationToken) =>
        sink.WriteAsync(LakeKeys.Gaps, JsonSerializer.SerializeToUtf8Bytes(gaps, LakeJsonContext.Default.DictionaryStringGapEntry), cancellationToken);

    public static string Key(string symbol, string resolution, DateOnly date) => $"{symbol}|{resolution}|{date:yyyy-MM-dd}";
}

/// <summary>What an answer lacked of a trading day.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<GapKind>))]
public enum GapKind
{
    /// <summary>No bar at all.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>The bars stop before the session's end.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("truncated")]
    Truncated,

    /// <summary>Minutes inside the day; the entry's Reason names them.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("lacking")]
    Lacking,
}

/// <summary>
/// One gap: its kind, in words (<paramref name="Reason"/>: "missing", "truncated", or "lacks
/// 10:32-11:43 (72 of 375 bars)"); how many answers lacked it, and on which IST days it was asked
/// (null in ledgers written before the rule counted days: then the day of LastAsked).
/// </summary>
public sealed record GapEntry(string Reason, int Attempts, DateTimeOffset LastAsked, bool GivenUp, IReadOnlyList<DateOnly>? AskedOn = null, GapKind Kind = GapKind.Missing)
{
    /// <summary>The distinct IST days an answer lacked it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<DateOnly> Days => AskedOn ?? [DateOnly.FromDateTime(LastAsked.ToOffset(TimeSpan.FromMinutes(330)).DateTime)];
}
