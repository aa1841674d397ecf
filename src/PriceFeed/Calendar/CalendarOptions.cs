namespace PriceFeed.Calendar;

/// <summary>Bound from "Calendar". The embedded NSE calendar is the default; a file replaces it without a rebuild.</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "Calendar";

    /// <summary>A JSON file of the same shape as the embedded nse-calendar.json, replacing it.</summary>
    public string? File { get; set; }

    /// <summary>
    /// Added closures, "2028-01-26=Republic Day,2028-03-01" (the name is optional): a year the embedded
    /// list does not have yet, or an ad-hoc closure such as an election day. A year named here counts
    /// as covered.
    /// </summary>
    public string? Holidays { get; set; }

    /// <summary>
    /// An SSM parameter in the same format as <see cref="Holidays"/> (AWS), read at each run, so a
    /// new year's holidays need no deploy. Its value "none" adds nothing.
    /// </summary>
    public string? HolidaysParameter { get; set; }
}
