using Microsoft.Extensions.Options;

namespace PriceFeed.Calendar;

/// <summary>Checked at start-up: the added holidays parse and a replacement calendar file exists.</summary>
internal sealed class CalendarOptionsValidator : IValidateOptions<CalendarOptions>
{
    public ValidateOptionsResult Validate(string? name, CalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        try
        {
            HolidayText.Parse(options.Holidays, "Calendar:Holidays");
        }
        catch (FormatException e)
        {
            errors.Add(e.Message);
        }

        if (!string.IsNullOrWhiteSpace(options.File) && !System.IO.File.Exists(options.File))
        {
            errors.Add($"Calendar:File '{options.File}' does not exist.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
