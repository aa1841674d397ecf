using System.Diagnostics;
using System.Globalization;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Benchmarks;

/// <summary>
/// FYERS history JSON → typed candles on one core: MB/s and rows/s, median of repeated runs. Each
/// parse is the client's call (<c>HistoryParser.Parse(body)</c>: a new list per body, as
/// FyersDataClient does), not a warmed list reused across runs.
/// </summary>
internal static class ParseBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var candles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 18_750;
        var output = args.Length > 1 ? args[1] : null;
        var body = Body.History(candles);
        if (output is not null)
        {
            File.WriteAllBytes(output, body);
        }

        List<Candle> list = [];
        for (var i = 0; i < 50; i++)
        {
            list = HistoryParser.Parse(body).Candles;
        }

        var runs = new List<double>();
        for (var r = 0; r < 31; r++)
        {
            var clock = Stopwatch.StartNew();
            const int iterations = 20;
            for (var i = 0; i < iterations; i++)
            {
                list = HistoryParser.Parse(body).Candles;
            }

            runs.Add(clock.Elapsed.TotalSeconds / iterations);
        }

        runs.Sort();
        var median = runs[runs.Count / 2];
        if (list.Count != candles)
        {
            throw new InvalidOperationException($"parsed {list.Count} candles, expected {candles}");
        }

        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"parse\",\"bytes\":{body.Length},\"candles\":{candles},\"median_ms\":{median * 1000:F3},\"mb_per_s\":{body.Length / median / 1e6:F1},\"rows_per_s\":{candles / median:F0}}}"));
        return Task.FromResult(0);
    }
}
