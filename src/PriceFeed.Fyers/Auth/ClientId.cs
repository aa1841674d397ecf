using System.Text.RegularExpressions;

namespace PriceFeed.Fyers.Auth;

/// <summary>A FYERS app id with its type suffix, such as ABCD1234-100 (fyers-protocol.md §2, §5).</summary>
public static partial class ClientId
{
    [GeneratedRegex("^[A-Z0-9]{4,20}-[0-9]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Trims and upper-cases; returns null with a reason when the text cannot be a client id.</summary>
    public static string? Normalize(string? text, out string? error)
    {
        var cleaned = InputText.Clean(text).ToUpperInvariant();
        if (cleaned.Length == 0)
        {
            error = "Enter the Client ID of your FYERS app (for example ABCD1234-100).";
            return null;
        }

        if (!Shape().IsMatch(cleaned))
        {
            error = "A FYERS Client ID looks like ABCD1234-100: the App ID, a dash and the 3-digit app type. Copy it from the FYERS API dashboard.";
            return null;
        }

        error = null;
        return cleaned;
    }
}
