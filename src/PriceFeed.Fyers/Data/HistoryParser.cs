using System.Text;
using System.Text.Json;

namespace PriceFeed.Fyers.Data;

/// <summary>
/// Reads a history body straight from UTF-8 bytes into candles: the hot path of every ingestion and
/// backfill, so it avoids building a DOM or boxing each number (fyers-protocol.md §9 shape:
/// {"s":"ok","candles":[[epoch,o,h,l,c,v(,oi)],...]}).
/// </summary>
public static class HistoryParser
{
    private static ReadOnlySpan<byte> SProperty => "s"u8;
    private static ReadOnlySpan<byte> CodeProperty => "code"u8;
    private static ReadOnlySpan<byte> MessageProperty => "message"u8;
    private static ReadOnlySpan<byte> CandlesProperty => "candles"u8;

    /// <summary>
    /// Parses a body into a new list sized before parsing: every candle opens with '[', and counting
    /// them (vectorized) costs far less than a growing list, which copies itself into one twice the
    /// size at each step and briefly holds both. The client's path, and the benchmark's.
    /// </summary>
    /// <exception cref="JsonException">The body is not the JSON shape FYERS sends.</exception>
    public static (HistoryBody Body, List<Candle> Candles) Parse(ReadOnlySpan<byte> utf8)
    {
        var candles = new List<Candle>(Math.Max(0, utf8.Count((byte)'[') - 1));
        return (Parse(utf8, candles), candles);
    }

    /// <summary>Parses the body; candles are appended to <paramref name="candles"/>.</summary>
    /// <exception cref="JsonException">The body is not the JSON shape FYERS sends.</exception>
    public static HistoryBody Parse(ReadOnlySpan<byte> utf8, List<Candle> candles)
    {
        ArgumentNullException.ThrowIfNull(candles);
        return TryParseFast(utf8, candles) ?? ParseGeneral(utf8, candles);
    }

    /// <summary>
    /// The envelope with Utf8JsonReader, the candles with <see cref="CandleScanner"/>; null when the body
    /// is not in the plain shape (the general parser then handles it and reports any error).
    /// </summary>
    private static HistoryBody? TryParseFast(ReadOnlySpan<byte> utf8, List<Candle> candles)
    {
        var before = candles.Count;
        var head = new HistoryBody(null, null, null, false);
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(CandlesProperty))
                {
                    var arrayStart = (int)reader.BytesConsumed;
                    if (!CandleScanner.TryParse(utf8, arrayStart, candles, out var arrayEnd))
                    {
                        return null;
                    }

                    // The rest of the object (usually just "}") is read as an object of its own.
                    var tail = utf8[arrayEnd..].TrimStart(" \t\r\n"u8);
                    if (tail.Length > 0 && tail[0] == (byte)',')
                    {
                        if (tail[1..].TrimStart(" \t\r\n"u8) is not [(byte)'"', ..])
                        {
                            return Reset(candles, before); // a trailing comma: not JSON, the general path says so
                        }

                        var rest = new byte[tail.Length];
                        rest[0] = (byte)'{';
                        tail[1..].CopyTo(rest.AsSpan(1));
                        var envelope = ParseGeneral(rest, candles);
                        return new HistoryBody(envelope.Status ?? head.Status, envelope.Code ?? head.Code, envelope.Message ?? head.Message, true);
                    }

                    return tail.Length > 0 && tail[0] == (byte)'}' && tail[1..].Trim(" \t\r\n"u8).Length == 0
                        ? head with { HasCandles = true }
                        : Reset(candles, before);
                }

                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual(SProperty))
                {
                    head = head with { Status = StringOrNull(ref reader) };
                }
                else if (name.SequenceEqual(CodeProperty))
                {
                    head = head with { Code = Int32OrNull(ref reader) };
                }
                else if (name.SequenceEqual(MessageProperty))
                {
                    head = head with { Message = StringOrNull(ref reader) };
                }
                else
                {
                    reader.Skip();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return Reset(candles, before);
        }
    }

    private static HistoryBody? Reset(List<Candle> candles, int count)
    {
        candles.RemoveRange(count, candles.Count - count);
        return null;
    }

    internal static HistoryBody ParseGeneral(ReadOnlySpan<byte> utf8, List<Candle> candles)
    {
        // Strict JSON, as FYERS sends it: what System.Text.Json refuses, this refuses too.
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A FYERS history body must be a JSON object.");
        }

        string? status = null;
        string? message = null;
        int? code = null;
        var sawCandles = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(CandlesProperty))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadCandles(ref reader, candles);
                    sawCandles = true;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals(SProperty))
            {
                reader.Read();
                status = StringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(CodeProperty))
            {
                reader.Read();
                code = Int32OrNull(ref reader);
            }
            else if (reader.ValueTextEquals(MessageProperty))
            {
                reader.Read();
                message = StringOrNull(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("The FYERS history body ended early.");
        }

        if (reader.Read())
        {
            throw new JsonException("The FYERS history body goes on after its closing brace.");
        }

        return new HistoryBody(status, code, message, sawCandles);
    }

    private static void ReadCandles(ref Utf8JsonReader reader, List<Candle> candles)
    {
        Span<double> values = stackalloc double[7];
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"A candle must be an array, found {reader.TokenType}.");
            }

            var count = 0;
            long time = 0;
            long volume = 0;
            long? oi = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number)
                {
                    throw new JsonException($"A candle value must be a number, found {reader.TokenType}.");
                }

                switch (count)
                {
                    case 0:
                        time = ReadInt64(ref reader);
                        break;
                    case 5:
                        volume = ReadInt64(ref reader);
                        break;
                    case 6:
                        oi = ReadInt64(ref reader);
                        break;
                    case < 7:
                        values[count] = ReadPrice(ref reader);
                        break;
                    default:
                        break; // extra columns FYERS may add later are ignored
                }

                count++;
            }

            if (count < 6)
            {
                throw new JsonException($"A candle needs 6 values [time, open, high, low, close, volume], found {count}.");
            }

            candles.Add(new Candle(time, values[1], values[2], values[3], values[4], volume, oi));
        }

        throw new JsonException("The candles array ended early.");
    }

    /// <summary>
    /// Times, volumes and open interest are whole numbers. Written another way (12345.0, 1.2345e4)
    /// they are kept exactly; a fraction or a value beyond Int64 is refused, never rounded or wrapped.
    /// </summary>
    private static long ReadInt64(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var whole))
        {
            return whole;
        }

        var text = Encoding.ASCII.GetString(reader.ValueSpan);
        return decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var exact)
            && exact == decimal.Truncate(exact) && exact is >= long.MinValue and <= long.MaxValue
            ? (long)exact
            : throw new JsonException($"A candle's time, volume or open interest must be a whole number within 64 bits; FYERS sent {text[..Math.Min(text.Length, 40)]}.");
    }

    private static double ReadPrice(ref Utf8JsonReader reader) =>
        reader.TryGetDouble(out var price) && double.IsFinite(price)
            ? price
            : throw new JsonException($"A candle price must be a finite number; FYERS sent {Encoding.ASCII.GetString(reader.ValueSpan[..Math.Min(reader.ValueSpan.Length, 40)])}.");

    /// <summary>The envelope's "s" and "message": a string, or null for any other type (skipped whole).</summary>
    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>The envelope's "code": an Int32, or null for any other value (skipped whole).</summary>
    private static int? Int32OrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
        {
            return code;
        }

        reader.Skip();
        return null;
    }
}

/// <summary>The envelope fields of a history body.</summary>
public readonly record struct HistoryBody(string? Status, int? Code, string? Message, bool HasCandles)
{
    public bool IsError => string.Equals(Status, "error", StringComparison.OrdinalIgnoreCase);

    /// <summary>FYERS answers an empty range with "ok" and no candles, or with "no_data" (fyers-protocol.md §9).</summary>
    public bool IsNoData => string.Equals(Status, "no_data", StringComparison.OrdinalIgnoreCase);
}
