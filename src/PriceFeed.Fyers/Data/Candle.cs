namespace PriceFeed.Fyers.Data;

/// <summary>One bar as FYERS sends it: [epoch, open, high, low, close, volume(, oi)]. Time is the bar start in UTC seconds.</summary>
public readonly record struct Candle(long Time, double Open, double High, double Low, double Close, long Volume, long? OpenInterest = null)
{
    public DateTimeOffset Start => DateTimeOffset.FromUnixTimeSeconds(Time);
}
