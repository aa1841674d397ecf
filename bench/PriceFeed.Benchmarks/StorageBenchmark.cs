using System.Globalization;
using System.Text;
using System.Text.Json;
using PriceFeed.Lake;

namespace PriceFeed.Benchmarks;

/// <summary>Bytes per stored 1-minute bar in a lake, beside the same rows as CSV and as JSON lines. Target: at most 16.</summary>
internal static class StorageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var lake = args[0];
        var sink = new LocalDataSink(lake);
        var keys = (await sink.ListAsync("candles/resolution=1", CancellationToken.None)).Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)).ToList();
        long parquetBytes = 0;
        long rows = 0;
        long csvBytes = 0;
        long jsonBytes = 0;
        foreach (var key in keys)
        {
            var bytes = (await sink.ReadAsync(key, CancellationToken.None))!;
            parquetBytes += bytes.Length;
            var candles = await CandleParquet.ReadAsync(bytes, CancellationToken.None);
            rows += candles.Count;
            var csv = new StringBuilder("symbol,resolution,ts_utc,open,high,low,close,volume,source\n");
            var json = new StringBuilder();
            foreach (var c in candles)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{c.Symbol},{c.Resolution},{c.Start:yyyy-MM-ddTHH:mm:ssZ},{c.Open},{c.High},{c.Low},{c.Close},{c.Volume},{c.Source}\n");
                json.Append(JsonSerializer.Serialize(new { symbol = c.Symbol, resolution = c.Resolution, ts_utc = c.TsUtc, open = c.Open, high = c.High, low = c.Low, close = c.Close, volume = c.Volume, source = c.Source })).Append('\n');
            }

            csvBytes += Encoding.UTF8.GetByteCount(csv.ToString());
            jsonBytes += Encoding.UTF8.GetByteCount(json.ToString());
        }

        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"storage\",\"files\":{keys.Count},\"rows\":{rows},\"parquet_bytes_per_bar\":{(double)parquetBytes / rows:F2},\"csv_bytes_per_bar\":{(double)csvBytes / rows:F2},\"json_bytes_per_bar\":{(double)jsonBytes / rows:F2}}}"));
        return 0;
    }
}
