namespace PriceFeed.Fyers.Data;

/// <summary>Indian market time. Always converted explicitly: Lambda and CI hosts run in UTC (fyers-protocol.md §13.7).</summary>
public static class MarketTime
{
    /// <summary>India has kept UTC+05:30 all year since 1945.</summary>
    public static readonly TimeSpan IstOffset = TimeSpan.FromMinutes(330);

    /// <summary>IST is UTC+05:30 with no daylight saving; resolved by IANA id, with a fixed-offset fallback for hosts without tzdata.</summary>
    public static TimeZoneInfo Ist { get; } = FindIst();

    public static DateTimeOffset ToIst(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Ist);

    public static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToIst(instant).DateTime);

    /// <summary>"09:15 IST on Fri 27 Nov 2026": how every page, message and log line shows a market time.</summary>
    public static string Format(DateTimeOffset instant) =>
        ToIst(instant).ToString("HH:mm 'IST on' ddd d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The instant of a wall-clock time on an IST date.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) =>
        new(date.ToDateTime(time), IstOffset);

    private static TimeZoneInfo FindIst()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Kolkata", IstOffset, "India Standard Time", "IST");
        }
    }
}
