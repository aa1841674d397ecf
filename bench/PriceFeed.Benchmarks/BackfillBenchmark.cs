using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Ingestion;

namespace PriceFeed.Benchmarks;

/// <summary>
/// A backfill of N symbols × a year of 1-minute candles from the sandbox (in its own process): peak
/// RSS of this process (VmHWM). Target: under 200 MB for 50 symbols, since chunks are streamed.
/// </summary>
internal static class BackfillBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var symbols = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var days = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 365;
        var keepLake = args.Length > 2 ? args[2] : null;
        await using var sandbox = await SandboxProcess.StartAsync(TimeSpan.Zero);
        var lake = keepLake ?? Path.Combine(sandbox.DataDirectory, "lake");
        using var host = await sandbox.LoggedInHostAsync([new("Ingestion:LakeDirectory", lake)]);
        var runner = host.Services.GetRequiredService<IngestionRunner>();
        var to = new DateOnly(2026, 11, 26);
        var list = Enumerable.Range(1, symbols).Select(i => $"NSE:SYN{i:000}-EQ").ToList();
        var baseline = PeakRssMb();

        var clock = Stopwatch.StartNew();
        var report = await runner.RunBackfillAsync(new BackfillRequest(to.AddDays(1 - days), to, list, ["1"], null), null, CancellationToken.None);

        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"backfill\",\"status\":\"{report.Status}\",\"symbols\":{symbols},\"days\":{days},\"requests\":{report.Requests},\"bars\":{report.Symbols.Sum(s => s.BarsWritten)},\"seconds\":{clock.Elapsed.TotalSeconds:F1},\"peak_rss_mb\":{PeakRssMb():F1},\"rss_before_mb\":{baseline:F1}}}"));
        return report.IsFailure ? 1 : 0;
    }

    /// <summary>The process's peak resident set (Linux /proc VmHWM).</summary>
    public static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
