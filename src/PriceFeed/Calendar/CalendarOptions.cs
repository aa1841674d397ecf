namespace PriceFeed.Calendar;

/// <summary>Bound from "Calendar". The embedded NSE calendar is the default; a file replaces it without a rebuild.</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "Calendar";

    /// <summary>A JSON file of the same shape as the embedded nse-calendar.json, replacing it.</summary>
    public string? File { get; set; }

    /// <summary>Extra closures (ad-hoc holidays such as election days), added to whichever calendar is used.</summary>
    public List<DateOnly> ExtraHolidays { get; set; } = [];
}
