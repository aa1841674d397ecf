namespace PriceFeed.Fyers.Data;

/// <summary>Indian market time. Always converted explicitly: Lambda and CI hosts run in UTC (fyers-protocol.md §13.7).</summary>
public static class MarketTime
{
    /// <summary>India has kept UTC+05:30 all year since 1945.</summary>
    public static readonly TimeSpan IstOffset = TimeSpan.FromMinutes(330);

    /// <summary>IST is UTC+05:30 with no daylight saving; resolved by IANA id, with a fixed-offset fallback for hosts without tzdata.</summary>
    public static TimeZoneInfo Ist { get; } = FindIst();

    /// <summary>
    /// Asia/Kolkata's last offset change was in October 1945 (tzdata), so from the Unix epoch on the
    /// fixed offset is exact and costs nothing, while TimeZoneInfo's rule lookup per call was a fifth
    /// of a backfill's CPU. Earlier instants still go through the zone (and the arithmetic below
    /// needs non-negative seconds).
    /// </summary>
    private const long FixedFromUnixSeconds = 0;
    private static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static DateTimeOffset ToIst(DateTimeOffset instant) =>
        instant.ToUnixTimeSeconds() >= FixedFromUnixSeconds ? instant.ToOffset(IstOffset) : TimeZoneInfo.ConvertTime(instant, Ist);

    public static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToIst(instant).DateTime);

    /// <summary>The IST date of an instant in Unix seconds, by arithmetic (the lake's hot path).</summary>
    public static DateOnly IstDate(long unixSeconds) =>
        unixSeconds >= FixedFromUnixSeconds
            ? DateOnly.FromDayNumber(UnixEpochDayNumber + (int)((unixSeconds + (long)IstOffset.TotalSeconds) / 86_400))
            : IstDate(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    /// <summary>Minutes since 00:00 IST of an instant in Unix seconds.</summary>
    public static int IstMinuteOfDay(long unixSeconds) =>
        unixSeconds >= FixedFromUnixSeconds
            ? (int)((unixSeconds + (long)IstOffset.TotalSeconds) % 86_400 / 60)
            : (int)ToIst(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).TimeOfDay.TotalMinutes;

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
