namespace PriceFeed.Fyers.Auth;

/// <summary>
/// Pasted text arrives with invisible characters: a BOM made FYERS answer "-300 Please provide valid
/// token" in a peer project (fyers-protocol.md §13.2). Strip them and surrounding quotes before parsing.
/// </summary>
internal static class InputText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        Span<char> buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        foreach (var c in text)
        {
            if (c is '\uFEFF' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u00AD' || char.IsControl(c))
            {
                continue;
            }

            buffer[length++] = c;
        }

        var cleaned = buffer[..length].Trim();
        while (cleaned.Length >= 2 && IsQuote(cleaned[0]) && IsQuote(cleaned[^1]))
        {
            cleaned = cleaned[1..^1].Trim();
        }

        return cleaned.Trim(['"', '\'', '`', '“', '”', '‘', '’', '<', '>']).ToString();
    }

    private static bool IsQuote(char c) => c is '"' or '\'' or '`' or '“' or '”' or '‘' or '’' or '<' or '>';
}
