namespace PriceFeed.Fyers.Data;

/// <summary>
/// The fast path of <see cref="HistoryParser"/>: the candles array is a plain grid of numbers, so it is
/// scanned byte by byte instead of tokenised. Numbers with at most 15 significant digits and no
/// exponent are converted exactly (an integer mantissa divided by an exact power of ten is correctly
/// rounded); any other valid JSON number (an exponent, more digits) is converted on its own by the
/// runtime's parser, so one such number costs that number, not the body (issue 20: one exponent made
/// the whole body go the slow way). A number JSON does not allow (a leading zero, a bare '.') or a
/// shape other than the plain grid makes the scanner give up, and the general Utf8JsonReader path
/// parses the body instead or refuses it. Hand-written because no JSON library offers a typed
/// numeric-grid reader, and this is the hot loop of every backfill.
/// </summary>
internal static class CandleScanner
{
    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>Parses the array starting at <paramref name="start"/> ('['); false when the shape is not the plain one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, int start, List<Candle> output, out int end)
    {
        end = start;
        var i = SkipWhitespace(json, start);
        if (i >= json.Length || json[i] != (byte)'[')
        {
            return false;
        }

        var added = 0;
        i = SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == (byte)']')
        {
            end = i + 1;
            return true;
        }

        Span<double> values = stackalloc double[7];
        while (true)
        {
            if (i >= json.Length || json[i] != (byte)'[')
            {
                return Abandon(output, added);
            }

            i++;
            var count = 0;
            long time = 0;
            long volume = 0;
            long oi = 0;
            while (true)
            {
                i = SkipWhitespace(json, i);
                if (count is 0 or 5 or 6)
                {
                    if (!TryInteger(json, ref i, out var integer))
                    {
                        return Abandon(output, added);
                    }

                    if (count == 0)
                    {
                        time = integer;
                    }
                    else if (count == 5)
                    {
                        volume = integer;
                    }
                    else
                    {
                        oi = integer;
                    }
                }
                else if (count < 7)
                {
                    if (!TryDecimal(json, ref i, out values[count]))
                    {
                        return Abandon(output, added);
                    }
                }
                else
                {
                    return Abandon(output, added);
                }

                count++;
                i = SkipWhitespace(json, i);
                if (i >= json.Length)
                {
                    return Abandon(output, added);
                }

                if (json[i] == (byte)',')
                {
                    i++;
                    continue;
                }

                if (json[i] == (byte)']')
                {
                    i++;
                    break;
                }

                return Abandon(output, added);
            }

            if (count < 6)
            {
                return Abandon(output, added);
            }

            output.Add(new Candle(time, values[1], values[2], values[3], values[4], volume, count == 7 ? oi : null));
            added++;
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return Abandon(output, added);
            }

            if (json[i] == (byte)',')
            {
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            if (json[i] == (byte)']')
            {
                end = i + 1;
                return true;
            }

            return Abandon(output, added);
        }
    }

    private static bool Abandon(List<Candle> output, int added)
    {
        output.RemoveRange(output.Count - added, added);
        return false;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        // FYERS sends no whitespace: the common case is one compare.
        if ((uint)i < (uint)json.Length && json[i] > (byte)' ')
        {
            return i;
        }

        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>An integer, or a decimal whose fraction is all zeros ("142964052" or "142964052.0").</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool TryInteger(ReadOnlySpan<byte> json, ref int i, out long value)
    {
        var start = i;
        if (TryIntegerFast(json, ref i, out value))
        {
            return true;
        }

        // Another spelling of a whole number ("1.42964052E8", 19 digits): converted on its own, plain
        // digits exactly as a long, others through a double when they are whole and in range.
        i = start;
        if (!TryOtherNumber(json, ref i, out var number))
        {
            return false;
        }

        var text = json[start..i];
        if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
        }

        if (number != Math.Floor(number) || number is < -9.2233720368547758E18 or >= 9.2233720368547758E18)
        {
            return false;
        }

        value = (long)number;
        return true;
    }

    // The fast conversions work on locals (position, accumulator) and write back once: a ref or out
    // parameter updated in the loop is a memory store per digit.
    private static bool TryIntegerFast(ReadOnlySpan<byte> json, ref int i, out long value)
    {
        value = 0;
        var p = i;
        var negative = p < json.Length && json[p] == (byte)'-';
        if (negative)
        {
            p++;
        }

        if (LeadingZero(json, p))
        {
            return false;
        }

        long acc = 0;
        var start = p;
        while (p < json.Length && (uint)(json[p] - '0') <= 9)
        {
            acc = (acc * 10) + (json[p] - '0');
            p++;
        }

        var digits = p - start;
        if (digits is 0 or > 18)
        {
            return false;
        }

        if (p < json.Length && json[p] == (byte)'.')
        {
            p++;
            var zeros = p;
            while (p < json.Length && json[p] == (byte)'0')
            {
                p++;
            }

            if (p == zeros || (p < json.Length && (uint)(json[p] - '0') <= 9))
            {
                return false;
            }
        }

        if (p < json.Length && json[p] is (byte)'e' or (byte)'E')
        {
            return false;
        }

        value = negative ? -acc : acc;
        i = p;
        return true;
    }

    /// <summary>JSON allows a leading zero only alone before the point: "0", "0.5", never "007" or "02.5".</summary>
    private static bool LeadingZero(ReadOnlySpan<byte> json, int i) =>
        i + 1 < json.Length && json[i] == (byte)'0' && (uint)(json[i + 1] - '0') <= 9;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool TryDecimal(ReadOnlySpan<byte> json, ref int i, out double value)
    {
        var start = i;
        if (TryDecimalFast(json, ref i, out value))
        {
            return true;
        }

        i = start;
        return TryOtherNumber(json, ref i, out value);
    }

    /// <summary>
    /// Any number JSON allows (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), checked here and
    /// converted by the runtime's correctly rounded parser; false for anything else.
    /// </summary>
    private static bool TryOtherNumber(ReadOnlySpan<byte> json, ref int i, out double value)
    {
        value = 0;
        var start = i;
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (LeadingZero(json, i) || Digits(json, ref i) == 0)
        {
            return false;
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (Digits(json, ref i) == 0)
            {
                return false;
            }
        }

        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (Digits(json, ref i) == 0)
            {
                return false;
            }
        }

        return double.TryParse(json[start..i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static int Digits(ReadOnlySpan<byte> json, ref int i)
    {
        var start = i;
        while (i < json.Length && (uint)(json[i] - '0') <= 9)
        {
            i++;
        }

        return i - start;
    }

    private static bool TryDecimalFast(ReadOnlySpan<byte> json, ref int i, out double value)
    {
        value = 0;
        var p = i;
        var negative = p < json.Length && json[p] == (byte)'-';
        if (negative)
        {
            p++;
        }

        if (LeadingZero(json, p))
        {
            return false;
        }

        long mantissa = 0;
        var start = p;
        while (p < json.Length && (uint)(json[p] - '0') <= 9)
        {
            mantissa = (mantissa * 10) + (json[p] - '0');
            p++;
        }

        if (p == start)
        {
            return false;
        }

        var fraction = 0;
        if (p < json.Length && json[p] == (byte)'.')
        {
            p++;
            var fractionStart = p;
            while (p < json.Length && (uint)(json[p] - '0') <= 9)
            {
                mantissa = (mantissa * 10) + (json[p] - '0');
                p++;
            }

            fraction = p - fractionStart;
            if (fraction == 0)
            {
                return false;
            }
        }

        var digits = p - start - (fraction > 0 ? 1 : 0);
        if (digits > 15 || fraction > 15 || (p < json.Length && json[p] is (byte)'e' or (byte)'E'))
        {
            return false;
        }

        var result = mantissa / PowersOfTen[fraction];
        value = negative ? -result : result;
        i = p;
        return true;
    }
}
