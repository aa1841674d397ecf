using System.Globalization;
using System.Text;
using System.Text.Json;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Fyers.Tests.Data;

/// <summary>
/// A differential test: thousands of generated history bodies, odd shapes included, through the fast
/// path (<see cref="HistoryParser.Parse"/>), the general path alone and a reference built on
/// System.Text.Json's DOM. All three must agree on every body: the same candles and envelope, or all
/// refuse it. A parser that drops, adds or rounds a value disagrees with the reference.
/// </summary>
public sealed class HistoryParserFuzzTests
{
    private const int Bodies = 5000;

    [Fact]
    public void Parse_GeneratedBodies_FastGeneralAndReferenceAgree()
    {
        var random = new Random(20261203);
        var refused = 0;
        for (var n = 0; n < Bodies; n++)
        {
            var body = Body(random);
            var bytes = Encoding.UTF8.GetBytes(body);
            var reference = Reference(bytes);
            var fast = Outcome(() =>
            {
                var candles = new List<Candle>();
                return (HistoryParser.Parse(bytes, candles), candles);
            });
            var general = Outcome(() =>
            {
                var candles = new List<Candle>();
                return (HistoryParser.ParseGeneral(bytes, candles), candles);
            });

            Assert.True(reference == fast, $"fast path differs on {body}\nreference: {reference}\nfast:      {fast}");
            Assert.True(reference == general, $"general path differs on {body}\nreference: {reference}\ngeneral:   {general}");
            refused += reference.Refused ? 1 : 0;
        }

        // The generator must exercise both sides: bodies that parse and bodies that are refused.
        Assert.InRange(refused, Bodies / 20, Bodies * 3 / 4);
    }

    [Theory]
    [InlineData("""{"s":"ok","code":200,"message":{"text":"x"},"candles":[[1780285500,2450.35,2451.05,2449.5,2450.8,12345]]}""", 1)]
    [InlineData("""{"s":{"candles":[[1,2,3,4,5,6]]},"candles":[[1780285500,2450.35,2451.05,2449.5,2450.8,12345]]}""", 1)]
    [InlineData("""{"s":"ok","message":["x"],"candles":[[1780285500,2450.35,2451.05,2449.5,2450.8,12345]]}""", 1)]
    [InlineData("""{"code":{"a":[1]},"s":"ok","candles":[[1780285500,2450.35,2451.05,2449.5,2450.8,12345]]}""", 1)]
    public void Parse_EnvelopeFieldOfAnyType_IsSkippedAndKeepsEveryCandle(string body, int candles)
    {
        var parsed = new List<Candle>();

        var envelope = HistoryParser.Parse(Encoding.UTF8.GetBytes(body), parsed);

        Assert.Equal(candles, parsed.Count);
        Assert.Equal(1780285500, parsed[0].Time);
        Assert.Equal(12345, parsed[0].Volume);
        Assert.True(envelope.HasCandles);
    }

    [Theory]
    [InlineData("2450.")]
    [InlineData("02450.35")]
    [InlineData("007")]
    [InlineData("-")]
    [InlineData(".5")]
    [InlineData("1e400")]
    public void Parse_NumberJsonDoesNotAllow_IsRefused(string price) =>
        Assert.ThrowsAny<JsonException>(() => HistoryParser.Parse(Encoding.UTF8.GetBytes($$"""{"s":"ok","candles":[[1,{{price}},2,1,1,5]]}"""), []));

    [Theory]
    [InlineData("12345.5")] // a fractional volume
    [InlineData("9223372036854775808")] // 2^63
    [InlineData("1e19")]
    public void Parse_VolumeThatIsNoWholeNumberInRange_IsRefusedNotRounded(string volume) =>
        Assert.ThrowsAny<JsonException>(() => HistoryParser.Parse(Encoding.UTF8.GetBytes($$"""{"s":"ok","candles":[[1,2,3,1,2,{{volume}}]]}"""), []));

    [Theory]
    [InlineData("12345.0", 12345)]
    [InlineData("1.2345e4", 12345)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Parse_VolumeWrittenAsAWholeNumber_IsKeptExactly(string volume, long expected)
    {
        var parsed = new List<Candle>();
        HistoryParser.Parse(Encoding.UTF8.GetBytes($$"""{"s":"ok","candles":[[1,2,3,1,2,{{volume}}]]}"""), parsed);
        Assert.Equal(expected, Assert.Single(parsed).Volume);
    }

    /// <summary>What a parser made of a body: the envelope and candles, or a refusal (JsonException only).</summary>
    private sealed record Result(bool Refused, HistoryBody Envelope, string Candles)
    {
        public override string ToString() => Refused ? "refused" : $"{Envelope} {Candles}";
    }

    private static Result Outcome(Func<(HistoryBody Body, List<Candle> Candles)> parse)
    {
        try
        {
            var (body, candles) = parse();
            return new Result(false, body, Describe(candles));
        }
        catch (JsonException)
        {
            return new Result(true, default, string.Empty);
        }
    }

    private static string Describe(List<Candle> candles) =>
        string.Join(';', candles.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Time},{c.Open:R},{c.High:R},{c.Low:R},{c.Close:R},{c.Volume},{c.OpenInterest}")));

    /// <summary>
    /// The contract, written with System.Text.Json's DOM: strict JSON; a top-level object; "s" and
    /// "message" count when they are strings, "code" when it is an Int32, anything else there is
    /// skipped; "candles" (when an array) holds arrays of at least six numbers, time, volume and open
    /// interest whole numbers within Int64, prices finite doubles; columns after the seventh ignored.
    /// </summary>
    private static Result Reference(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new Result(true, default, string.Empty);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new Result(true, default, string.Empty);
            }

            string? status = null, message = null;
            int? code = null;
            var sawCandles = false;
            var candles = new List<Candle>();
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "s":
                        status = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                        break;
                    case "message":
                        message = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                        break;
                    case "code":
                        code = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var c) ? c : null;
                        break;
                    case "candles" when value.ValueKind == JsonValueKind.Array:
                        sawCandles = true;
                        foreach (var row in value.EnumerateArray())
                        {
                            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() < 6 || row.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                            {
                                return new Result(true, default, string.Empty);
                            }

                            var v = row.EnumerateArray().ToList();
                            if (!Whole(v[0], out var time) || !Whole(v[5], out var volume) || (v.Count > 6 && !Whole(v[6], out _)))
                            {
                                return new Result(true, default, string.Empty);
                            }

                            var prices = new double[5];
                            for (var i = 1; i <= 4; i++)
                            {
                                if (!v[i].TryGetDouble(out prices[i]) || !double.IsFinite(prices[i]))
                                {
                                    return new Result(true, default, string.Empty);
                                }
                            }

                            long? oi = v.Count > 6 && Whole(v[6], out var o) ? o : null;
                            candles.Add(new Candle(time, prices[1], prices[2], prices[3], prices[4], volume, oi));
                        }

                        break;
                }
            }

            return new Result(false, new HistoryBody(status, code, message, sawCandles), Describe(candles));
        }
    }

    /// <summary>A whole number within Int64, however written (12345, 12345.0, 1.2345e4).</summary>
    private static bool Whole(JsonElement value, out long whole)
    {
        if (value.TryGetInt64(out whole))
        {
            return true;
        }

        var text = value.GetRawText();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) && exact == decimal.Truncate(exact) && exact is >= long.MinValue and <= long.MaxValue)
        {
            whole = (long)exact;
            return true;
        }

        return false;
    }

    private static string Body(Random random)
    {
        var parts = new List<string>();
        if (random.Next(4) > 0)
        {
            parts.Add($"\"s\":{EnvelopeValue(random, "\"ok\"")}");
        }

        if (random.Next(3) > 0)
        {
            parts.Add($"\"code\":{EnvelopeValue(random, "200")}");
        }

        if (random.Next(3) > 0)
        {
            parts.Add($"\"message\":{EnvelopeValue(random, "\"\"")}");
        }

        if (random.Next(5) == 0)
        {
            parts.Add($"\"extra\":{Nested(random, 2)}");
        }

        if (random.Next(10) > 0)
        {
            parts.Add($"\"candles\":{Candles(random)}");
        }

        var shuffled = parts.OrderBy(_ => random.Next()).ToList();
        var space = random.Next(4) == 0 ? " \n " : string.Empty;
        var body = "{" + space + string.Join("," + space, shuffled) + space + "}";
        return random.Next(60) switch
        {
            0 => body[..(body.Length / 2)], // cut short
            1 => body + "x",
            2 => "[" + body + "]",
            _ => body,
        };
    }

    private static string EnvelopeValue(Random random, string usual) => random.Next(8) switch
    {
        0 => Nested(random, 2),
        1 => "null",
        2 => "true",
        3 => "2147483648",
        4 => "-16",
        5 => "\"error\"",
        _ => usual,
    };

    private static string Nested(Random random, int depth) => random.Next(depth <= 0 ? 3 : 6) switch
    {
        0 => "1",
        1 => "\"x\\\"y\"",
        2 => "[]",
        3 => "{\"candles\":" + Candles(random) + "}",
        4 => "[" + Nested(random, depth - 1) + "," + Nested(random, depth - 1) + "]",
        _ => "{\"a\":" + Nested(random, depth - 1) + ",\"s\":\"nested\"}",
    };

    private static string Candles(Random random)
    {
        if (random.Next(20) == 0)
        {
            return random.Next(2) == 0 ? "null" : "{}";
        }

        var rows = Enumerable.Range(0, random.Next(0, 6)).Select(_ => Row(random));
        return "[" + string.Join(",", rows) + "]";
    }

    private static string Row(Random random)
    {
        if (random.Next(40) == 0)
        {
            return random.Next(2) == 0 ? "\"row\"" : "{}";
        }

        var width = random.Next(30) == 0 ? random.Next(3, 6) : random.Next(6, random.Next(10) == 0 ? 10 : 8);
        var values = new List<string>();
        for (var i = 0; i < width; i++)
        {
            values.Add(i is 0 or 5 or 6 ? WholeNumber(random) : Price(random));
        }

        return "[" + string.Join(random.Next(5) == 0 ? " , " : ",", values) + "]";
    }

    private static string WholeNumber(Random random) => random.Next(25) switch
    {
        0 => "12345.5",
        1 => "12345.0",
        2 => "1.2345e4",
        3 => "9223372036854775807",
        4 => "9223372036854775808",
        5 => "-42",
        6 => "007",
        7 => "12.",
        8 => "\"1\"",
        9 => "1e19",
        _ => random.NextInt64(0, 5_000_000_000).ToString(CultureInfo.InvariantCulture),
    };

    private static string Price(Random random) => random.Next(30) switch
    {
        0 => "2450.",
        1 => "02450.35",
        2 => "1e2",
        3 => "-3.25",
        4 => "0.000000000000000123456",
        5 => "1234567890123456789.5",
        6 => "1e400",
        7 => "null",
        8 => "0",
        9 => "-0.0",
        10 => ".5",
        _ => Math.Round(random.NextDouble() * 60000, random.Next(0, 4)).ToString("R", CultureInfo.InvariantCulture),
    };
}
