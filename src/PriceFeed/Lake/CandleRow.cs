using PriceFeed.Fyers.Data;

namespace PriceFeed.Lake;

/// <summary>
/// One stored bar (docs/data-lake.md). Time is the bar start, UTC epoch seconds; source is "fyers" or
/// "sandbox" for REST bars, "fyers-live" or "sandbox-live" for bars built from the data socket's ticks.
/// </summary>
public readonly record struct CandleRow(
    string Symbol,
    string Resolution,
    long TsUtc,
    double Open,
    double High,
    double Low,
    double Close,
    long Volume,
    string Source)
{
    public DateTimeOffset Start => DateTimeOffset.FromUnixTimeSeconds(TsUtc);

    /// <summary>The IST trading date, the partition key. Daily bars (stamped 00:00 UTC) belong to their own date.</summary>
    public DateOnly IstDate => Resolution is "D" or "1W" or "1M"
        ? DateOnly.FromDateTime(Start.UtcDateTime)
        : MarketTime.IstDate(TsUtc);

    /// <summary>Minutes since 00:00 IST of the bar start.</summary>
    public short IstMinute => (short)MarketTime.IstMinuteOfDay(TsUtc);

    /// <summary>
    /// A bar built from the data socket's ticks, live or in a sandbox replay (fyers-live, sandbox-live,
    /// sandbox-replay): a REST bar of the same minute replaces it, never the reverse.
    /// </summary>
    public static bool IsLive(string source) => source.EndsWith("-live", StringComparison.Ordinal) || source.EndsWith("-replay", StringComparison.Ordinal);

    /// <summary>Data of the sandbox, REST or live: synthetic.</summary>
    public static bool IsSynthetic(string source) => source.StartsWith("sandbox", StringComparison.Ordinal);

    public static CandleRow From(string symbol, Resolution resolution, Candle candle, string source) =>
        new(symbol, resolution.Code, candle.Time, candle.Open, candle.High, candle.Low, candle.Close, candle.Volume, source);
}
