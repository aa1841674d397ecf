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

/// <summary>
/// One gap: "missing" (no bars on a trading day) or "truncated" (the bars stop well before the close);
/// how many answers lacked it, and on which IST days it was asked (null in ledgers written before the
/// rule counted days: then the day of LastAsked).
/// </summary>
public sealed record GapEntry(string Reason, int Attempts, DateTimeOffset LastAsked, bool GivenUp, IReadOnlyList<DateOnly>? AskedOn = null)
{
    /// <summary>The distinct IST days an answer lacked it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<DateOnly> Days => AskedOn ?? [DateOnly.FromDateTime(LastAsked.ToOffset(TimeSpan.FromMinutes(330)).DateTime)];
}
