using PriceFeed.Fyers.Data;

namespace PriceFeed.Lake;

/// <summary>One stored bar (docs/data-lake.md). Time is the bar start, UTC epoch seconds; source is "fyers" or "sandbox".</summary>
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

    public static CandleRow From(string symbol, Resolution resolution, Candle candle, string source) =>
        new(symbol, resolution.Code, candle.Time, candle.Open, candle.High, candle.Low, candle.Close, candle.Volume, source);
}
