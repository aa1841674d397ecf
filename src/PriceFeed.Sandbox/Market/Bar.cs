namespace PriceFeed.Sandbox.Market;

/// <summary>A synthetic bar; Time is the bar start in epoch seconds as FYERS stamps it.</summary>
internal readonly record struct Bar(long Time, double Open, double High, double Low, double Close, long Volume)
{
    public Bar Merge(Bar next) => this with
    {
        High = Math.Max(High, next.High),
        Low = Math.Min(Low, next.Low),
        Close = next.Close,
        Volume = Volume + next.Volume,
    };
}
