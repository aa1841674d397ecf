using System.Globalization;

namespace PriceFeed.Calendar;

/// <summary>The one-line holiday format of Calendar:Holidays and the holidays parameter: "2028-01-26=Republic Day,2028-03-01".</summary>
internal static class HolidayText
{
    public static IReadOnlyList<HolidayEntry> Parse(string? value, string source)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() is "none" or "placeholder")
        {
            return [];
        }

        var entries = new List<HolidayEntry>();
        foreach (var item in value.Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (date, name) = item.IndexOf('=', StringComparison.Ordinal) is var at and >= 0
                ? (item[..at].Trim(), item[(at + 1)..].Trim())
                : (item, string.Empty);
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                throw new FormatException($"The holidays in {source} have an entry that is not a date: '{item}'. Write them like 2028-01-26=Republic Day,2028-03-01 (yyyy-MM-dd, the name optional), separated by commas.");
            }

            entries.Add(new HolidayEntry(day, name.Length > 0 ? name : $"Holiday ({source})"));
        }

        return entries;
    }
}
