using System.Text.Json;
using System.Text.Json.Serialization;
using PriceFeed.Lake;

namespace PriceFeed.Live;

/// <summary>
/// The stream shifts' handover object, <c>_state/stream/shift.json</c> in the lake (issue 22): which
/// shift holds the watchlist now, and since when it is live. Only conditional writes change it
/// (<see cref="IDataSink.WriteIfAsync"/>): a new shift claims it over the version it read, the holder
/// rewrites it every few seconds over its own version, so a holder learns it was replaced from the
/// refused write, and two shifts starting at once get one claim between them.
/// </summary>
/// <param name="Shift">The holder's id: its claim time in UTC and a random part, so ids sort by start.</param>
/// <param name="Date">The IST session date.</param>
/// <param name="Deadline">When the holder stops at the latest (its invocation's deadline less a margin).</param>
/// <param name="BeatAt">The holder's last rewrite: older than <see cref="StreamShiftOptions.GoneAfter"/> means it is gone.</param>
/// <param name="LiveAt">When its topics were first subscribed; null while it connects.</param>
/// <param name="Takeover">The first minute (its start) it writes bars of; the shift before it writes the minutes before.</param>
/// <param name="CoveredUntil">The end of the last minute whose bars it (or, before its takeover, the shift before it) wrote.</param>
/// <param name="EndedAt">Set by a holder that stopped without a successor (the close, its deadline, a login needed).</param>
/// <param name="Status">The holder's stream, for the page's feed card.</param>
public sealed record ShiftBaton(
    string Shift,
    DateOnly Date,
    DateTimeOffset ClaimedAt,
    DateTimeOffset Deadline,
    DateTimeOffset BeatAt,
    DateTimeOffset? LiveAt,
    DateTimeOffset? Takeover,
    DateTimeOffset? CoveredUntil,
    DateTimeOffset? EndedAt,
    string? EndReason,
    StreamSnapshot? Status)
{
    public const string Key = "_state/stream/shift.json";

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, ShiftJsonContext.Default.ShiftBaton);

    public static ShiftBaton? TryRead(byte[]? bytes)
    {
        try
        {
            return bytes is { Length: > 0 } ? JsonSerializer.Deserialize(bytes, ShiftJsonContext.Default.ShiftBaton) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The baton and its version; (null, null) when there is none yet.</summary>
    public static async Task<(ShiftBaton? Baton, string? Version)> ReadAsync(IDataSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return await sink.ReadVersionAsync(Key, cancellationToken) is { } found ? (TryRead(found.Bytes), found.Version) : (null, null);
    }

    /// <summary>
    /// The stream the shifts run, for the page on AWS: the holder's status, or null when no shift ever
    /// ran or the last one ended. A holder that stopped rewriting it shows as gone (its status's age).
    /// </summary>
    public static async Task<StreamSnapshot?> StatusAsync(IDataSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var baton = TryRead(await sink.ReadAsync(Key, cancellationToken));
        return baton is { EndedAt: null, Status: { } status } ? status with { TakenAt = baton.BeatAt } : null;
    }
}

/// <summary>What one stream shift did, stored when it ends at <see cref="KeyOf"/> (and answered to <c>/events</c>).</summary>
/// <param name="Outcome">handed-over, ended (the close or its deadline), superseded (another shift claimed first), skipped (market closed), compacted (market closed, and it compacted finished days of staged ticks), login-needed, not-connected.</param>
/// <param name="HandoverGapSeconds">Seconds of live bars between the shift before and this one that neither wrote (REST refills them); null when unknown or not a handover.</param>
public sealed record ShiftReport(
    string Shift,
    string Outcome,
    string Detail,
    DateOnly? Date,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    DateTimeOffset? LiveAt,
    DateTimeOffset? Takeover,
    DateTimeOffset? CoveredUntil,
    string? Predecessor,
    string? Successor,
    long Ticks,
    long BarsWritten,
    int Uploads,
    int Reconnects,
    double? HandoverGapSeconds,
    bool Refilled)
{
    /// <summary>True when the shift should have streamed and did not: the invocation answers 500.</summary>
    [JsonIgnore]
    public bool IsFailure => Outcome == "not-connected";

    public static string KeyOf(DateOnly date, string shift) =>
        $"_state/stream/shifts/date={date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}/{shift}.json";

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, ShiftJsonContext.Default.ShiftReport);

    public static ShiftReport? TryRead(byte[]? bytes)
    {
        try
        {
            return bytes is { Length: > 0 } ? JsonSerializer.Deserialize(bytes, ShiftJsonContext.Default.ShiftReport) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ShiftBaton))]
[JsonSerializable(typeof(ShiftReport))]
internal sealed partial class ShiftJsonContext : JsonSerializerContext;
