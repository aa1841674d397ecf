namespace PriceFeed.Fyers.Data;

/// <summary>Indian market time. Always converted explicitly: Lambda and CI hosts run in UTC (peers §5.4 item 19).</summary>
public static class MarketTime
{
    /// <summary>IST is UTC+05:30 with no daylight saving; resolved by IANA id, with a fixed-offset fallback for hosts without tzdata.</summary>
    public static TimeZoneInfo Ist { get; } = FindIst();

    public static DateTimeOffset ToIst(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Ist);

    public static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToIst(instant).DateTime);

    /// <summary>The instant of a wall-clock time on an IST date.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) =>
        new(date.ToDateTime(time), Ist.BaseUtcOffset);

    private static TimeZoneInfo FindIst()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Kolkata", TimeSpan.FromMinutes(330), "India Standard Time", "IST");
        }
    }
}
