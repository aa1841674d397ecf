using System.Globalization;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// EventBridge Scheduler's cron(minutes hours day-of-month month day-of-week year) for the forms
/// infra/ uses: *, ?, numbers, ranges, lists, a/b steps and day names (MON-FRI). Evaluated in the
/// schedule's time zone (Asia/Kolkata). Anything else throws, naming the expression.
/// </summary>
internal sealed class ScheduleCron(string expression)
{
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private readonly string[] fields = expression.StartsWith("cron(", StringComparison.Ordinal) && expression.EndsWith(')')
        ? expression[5..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
        : throw new InvalidOperationException($"not a cron expression: {expression}");

    /// <summary>The IST minutes of <paramref name="date"/> at which the schedule fires.</summary>
    public IEnumerable<TimeOnly> On(DateOnly date)
    {
        if (fields.Length != 6)
        {
            throw new InvalidOperationException($"cron needs six fields: {expression}");
        }

        // Scheduler's day of week: 1 = Sunday ... 7 = Saturday, or names.
        var dow = (int)date.DayOfWeek + 1;
        if (!Matches(fields[4], dow, 1, 7) || !Matches(fields[2], date.Day, 1, 31) || !Matches(fields[3], date.Month, 1, 12) || !Matches(fields[5], date.Year, 1970, 2199))
        {
            yield break;
        }

        for (var hour = 0; hour < 24; hour++)
        {
            for (var minute = 0; minute < 60; minute++)
            {
                if (Matches(fields[1], hour, 0, 23) && Matches(fields[0], minute, 0, 59))
                {
                    yield return new TimeOnly(hour, minute);
                }
            }
        }
    }

    private bool Matches(string field, int value, int min, int max) => field is "*" or "?" || field.Split(',').Any(part =>
    {
        var step = 1;
        if (part.Split('/') is [var range, var by])
        {
            step = int.Parse(by, CultureInfo.InvariantCulture);
            part = range == "*" ? $"{min}-{max}" : range.Contains('-', StringComparison.Ordinal) ? range : $"{range}-{max}";
        }

        var (low, high) = part.Split('-') is [var a, var b] ? (Number(a), Number(b)) : (Number(part), Number(part));
        return value >= low && value <= high && (value - low) % step == 0;
    });

    private int Number(string text) => Array.IndexOf(Days, text) is var day and >= 0 ? day + 1
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidOperationException($"cron field '{text}' is not replayed: {expression}");
}
