using System.Globalization;
using System.Text;

namespace PriceFeed.Benchmarks;

/// <summary>A FYERS history body like the sandbox's: 1-minute bars as FYERS prints them.</summary>
internal static class Body
{
    public static byte[] History(int candles, int seed = 42)
    {
        var random = new Random(seed);
        var text = new StringBuilder(candles * 60);
        text.Append("{\"s\":\"ok\",\"code\":200,\"message\":\"\",\"candles\":[");
        var price = 1234.5;
        var t = 1764215100L;
        for (var i = 0; i < candles; i++)
        {
            var open = Math.Round(price * 20) / 20;
            var close = Math.Round(open * (1 + ((random.NextDouble() - 0.5) * 0.002)) * 20) / 20;
            var high = Math.Max(open, close) + 0.05 * random.Next(0, 6);
            var low = Math.Min(open, close) - 0.05 * random.Next(0, 6);
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $"[{t},{P(open)},{P(high)},{P(low)},{P(close)},{random.Next(1000, 400000)}]");
            price = close;
            t += 60;
        }

        text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string P(double v)
    {
        var s = Math.Round(v, 2).ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }
}
