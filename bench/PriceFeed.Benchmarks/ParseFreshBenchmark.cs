using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Benchmarks;

/// <summary>
/// The client's call as users run it (issue 20): <c>HistoryParser.Parse(body)</c> in a fresh process,
/// no warm-up, each parse timed on its own, the first one included, over several processes. What a
/// backfill's process does with its chunks, not a harness's warmed-up best case. The child is
/// <c>bench/PriceFeed.ParseProbe</c>: built with Native AOT as pricefeed is, or run by dotnet (JIT).
/// </summary>
internal static class ParseFreshBenchmark
{
    /// <summary>Parent: <c>parse-fresh LABEL BODY PROCESSES PARSES COMMAND...</c>; prints one JSON line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (label, body, processes, parses) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        var command = args[4..];
        var all = new List<double>();
        var firsts = new List<double>();
        for (var p = 0; p < processes; p++)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in command[1..].Concat(["parse-child", body, parses.ToString(CultureInfo.InvariantCulture)]))
            {
                start.ArgumentList.Add(a);
            }

            using var child = Process.Start(start)!;
            var text = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"parse-child exited {child.ExitCode}");
            }

            var times = JsonSerializer.Deserialize(text, BenchJson.Default.DoubleArray)!;
            firsts.Add(times[0]);
            all.AddRange(times);
        }

        var bytes = new FileInfo(body).Length;
        all.Sort();
        firsts.Sort();
        var median = all[all.Count / 2];
        var first = firsts[firsts.Count / 2];
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"parse-fresh\",\"label\":\"{label}\",\"bytes\":{bytes},\"processes\":{processes},\"parses_per_process\":{parses},\"median_ms\":{median * 1000:F3},\"mb_per_s\":{bytes / median / 1e6:F1},\"first_parse_ms\":{first * 1000:F3},\"first_mb_per_s\":{bytes / first / 1e6:F1}}}"));
        return 0;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(double[]))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
