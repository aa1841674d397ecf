namespace PriceFeed.Fyers.Data;

/// <summary>A history resolution as FYERS spells it (fyers-protocol.md §9), with the range rules that go with it.</summary>
public readonly record struct Resolution
{
    private static readonly int[] Minutes = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 240];
    private static readonly int[] Seconds = [5, 10, 15, 30, 45];

    private Resolution(string code, TimeSpan? barLength, ResolutionKind kind)
    {
        Code = code;
        BarLength = barLength;
        Kind = kind;
    }

    /// <summary>What goes into the "resolution" query parameter.</summary>
    public string Code { get; }

    /// <summary>Length of one bar; null for weekly and monthly bars.</summary>
    public TimeSpan? BarLength { get; }

    public ResolutionKind Kind { get; }

    public static Resolution OneMinute { get; } = Parse("1");

    public static Resolution Daily { get; } = Parse("D");

    /// <summary>Largest span of calendar days one history request may cover.</summary>
    public int MaxDaysPerRequest => Kind switch
    {
        ResolutionKind.Seconds => 30,
        ResolutionKind.Minutes => 100,
        _ => 366,
    };

    public bool IsIntraday => Kind is ResolutionKind.Seconds or ResolutionKind.Minutes;

    public static Resolution Parse(string text) =>
        TryParse(text, out var r, out var error) ? r : throw new FormatException(error);

    public static bool TryParse(string? text, out Resolution resolution, out string error)
    {
        resolution = default;
        var t = (text ?? string.Empty).Trim().ToUpperInvariant();
        switch (t)
        {
            case "D" or "1D":
                resolution = new Resolution("D", TimeSpan.FromDays(1), ResolutionKind.Daily);
                break;
            case "1W" or "W":
                resolution = new Resolution("1W", null, ResolutionKind.Weekly);
                break;
            case "1M" or "M":
                resolution = new Resolution("1M", null, ResolutionKind.Monthly);
                break;
            default:
                if (t.EndsWith('S') && int.TryParse(t[..^1], out var s) && Seconds.Contains(s))
                {
                    resolution = new Resolution($"{s}S", TimeSpan.FromSeconds(s), ResolutionKind.Seconds);
                }
                else if (int.TryParse(t, out var m) && Minutes.Contains(m))
                {
                    resolution = new Resolution(m.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(m), ResolutionKind.Minutes);
                }

                break;
        }

        if (resolution.Code is null)
        {
            error = $"'{text}' is not a FYERS resolution. Use minutes 1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 240; seconds 5S, 10S, 15S, 30S, 45S; or D, 1W, 1M.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    public override string ToString() => Code;
}

public enum ResolutionKind
{
    Seconds,
    Minutes,
    Daily,
    Weekly,
    Monthly,
}
