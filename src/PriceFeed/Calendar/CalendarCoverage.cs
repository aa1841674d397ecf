namespace PriceFeed.Calendar;

/// <summary>How far the holiday list reaches, and the warning to show when it is about to run out or has.</summary>
public sealed record CalendarCoverage(int CoveredThrough, string? Warning)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HolidayListMissing => Warning is not null;
}
