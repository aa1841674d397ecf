using System.Globalization;
using System.Text;
using System.Text.Json;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Fyers.Tests.Data;

/// <summary>The fast candle scanner must agree with the general Utf8JsonReader path on every body.</summary>
public sealed class HistoryParserTests
{
    [Theory]
    [InlineData("""{"s":"ok","candles":[[1621814400, 417.0, 419.2, 405.3, 412.05, 142964052]]}""")]
    [InlineData("""{"s":"ok","code":200,"message":"","candles":[[1,1.5,2,1,1.25,10,7],[61,1.25,1.3,1.2,1.3,0,8]]}""")]
    [InlineData("""{ "candles" : [ [ 1 , 2.5 , 3 , 1 , 2 , 5 ] ] , "s" : "ok" , "code" : 200 }""")]
    [InlineData("""{"candles":[[1,1e2,2,1,1,5]],"s":"ok"}""")]
    [InlineData("""{"candles":[[1,0.000000000000000123456,2,1,1,5]],"s":"ok"}""")]
    [InlineData("""{"candles":[[1,-3.25,2,1,1,5]],"s":"ok"}""")]
    [InlineData("""{"candles":[[1,2,3,1,2,429496726000.0]],"s":"ok"}""")]
    [InlineData("""{"s":"no_data","candles":[]}""")]
    [InlineData("""{"s":"ok","candles":[[1,2,3,1,2,5,6,7]]}""")]
    [InlineData("""{"s":"error","code":-16,"message":"Could not authenticate the user"}""")]
    public void Parse_FastPath_AgreesWithTheGeneralParser(string body)
    {
        var fast = new List<Candle>();
        var general = new List<Candle>();

        var fastBody = HistoryParser.Parse(Encoding.UTF8.GetBytes(body), fast);
        var generalBody = HistoryParser.ParseGeneral(Encoding.UTF8.GetBytes(body), general);

        Assert.Equal(general, fast);
        Assert.Equal(generalBody, fastBody);
    }

    [Fact]
    public void Parse_RandomBodies_AgreeAndRoundTripEveryPrice()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var expected = new List<Candle>();
            var text = new StringBuilder("{\"s\":\"ok\",\"candles\":[");
            for (var i = 0; i < random.Next(0, 50); i++)
            {
                var prices = Enumerable.Range(0, 4).Select(_ => Math.Round(random.NextDouble() * 60000, random.Next(0, 3))).ToArray();
                var candle = new Candle(1_700_000_000 + (i * 60), prices[0], prices[1], prices[2], prices[3], random.NextInt64(0, 5_000_000_000));
                expected.Add(candle);
                text.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $"[{candle.Time},{candle.Open:R},{candle.High:R},{candle.Low:R},{candle.Close:R},{candle.Volume}]");
            }

            text.Append("],\"code\":200,\"message\":\"\"}");
            var parsed = new List<Candle>();
            var envelope = HistoryParser.Parse(Encoding.UTF8.GetBytes(text.ToString()), parsed);

            Assert.Equal(expected, parsed);
            Assert.Equal(("ok", 200), (envelope.Status, envelope.Code));
        }
    }

    /// <summary>
    /// Issue 20: a number the fast conversion cannot take (an exponent, many digits) is converted on
    /// its own; the scanner keeps the body instead of handing all of it to the general reader.
    /// </summary>
    [Theory]
    [InlineData("[[1621814400,4.17E2,419.2,405.3,412.05,142964052]]")]
    [InlineData("[[1621814400,417.0,419.2,405.3,412.05,1.42964052E8]]")]
    [InlineData("[[1.6218144E9,4.17e+2,4192e-1,405.3,412.05,142964052]]")]
    [InlineData("[[1621814400,0.12345678901234567890,419.2,405.3,412.05,1234567890123456789]]")]
    [InlineData("[[1,2,3,1,2,5],[61,2,3,1,2,5],[121,2E0,3,1,2.5e0,5]]")]
    public void Scanner_OddNumbers_AreConvertedOneByOne_TheBodyStaysOnTheFastPath(string array)
    {
        var fast = new List<Candle>();
        var general = new List<Candle>();
        var bytes = Encoding.UTF8.GetBytes(array);

        var kept = CandleScanner.TryParse(bytes, 0, fast, out var end);
        HistoryParser.ParseGeneral(Encoding.UTF8.GetBytes($$"""{"s":"ok","candles":{{array}}}"""), general);

        Assert.True(kept);
        Assert.Equal(bytes.Length, end);
        Assert.Equal(general, fast);
    }

    [Theory]
    [InlineData("[[1,2,3,1,2,5.5]]")] // a volume that is not whole
    [InlineData("[[1,1e,3,1,2,5]]")] // not a JSON number
    [InlineData("[[1,1e400,3,1,2,5]]")] // not a finite double
    [InlineData("[[1,01,3,1,2,5]]")] // a leading zero
    public void Scanner_NumbersItCannotTake_LeaveTheBodyToTheGeneralReader(string array) =>
        Assert.False(CandleScanner.TryParse(Encoding.UTF8.GetBytes(array), 0, [], out _));

    [Theory]
    [InlineData("""{"s":"ok","candles":[[1,2,3]]}""")]
    [InlineData("""{"s":"ok","candles":[[1,2,3,4,5,"6"]]}""")]
    [InlineData("""{"s":"ok","candles":[[1,2,3,4,5,6]""")]
    [InlineData("""[1,2,3]""")]
    public void Parse_BrokenBodies_ThrowJsonException(string body) =>
        Assert.ThrowsAny<JsonException>(() => HistoryParser.Parse(Encoding.UTF8.GetBytes(body), []));
}
