using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Ingestion;

namespace PriceFeed.Benchmarks;

/// <summary>
/// 200 symbols × one day of 1-minute candles from the sandbox with 20 ms added latency: wall time
/// against the rate-limit floor (requests ÷ 8 per second). Target: within 1.15× the floor.
/// </summary>
internal static class EndToEndBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var symbols = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        await using var sandbox = await SandboxProcess.StartAsync(TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20));
        using var host = await sandbox.LoggedInHostAsync([new("Ingestion:LakeDirectory", Path.Combine(sandbox.DataDirectory, "lake"))]);
        var runner = host.Services.GetRequiredService<IngestionRunner>();
        var day = new DateOnly(2026, 11, 26);
        var list = Enumerable.Range(1, symbols).Select(i => $"NSE:SYN{i:000}-EQ").ToList();

        var clock = Stopwatch.StartNew();
        var report = await runner.RunBackfillAsync(new BackfillRequest(day, day, list, ["1"], null), null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;

        var naive = report.Requests / 8.0;
        var floor = Floor((int)report.Requests, perSecond: 8, perMinute: 190);
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"e2e\",\"status\":\"{report.Status.Text()}\",\"symbols\":{symbols},\"requests\":{report.Requests},\"bars\":{report.Symbols.Sum(s => s.BarsWritten)},\"seconds\":{seconds:F2},\"floor_seconds\":{floor:F2},\"requests_over_8_per_s\":{naive:F2},\"ratio\":{seconds / floor:F3}}}"));
        return report.IsFailure ? 1 : 0;
    }

    /// <summary>
    /// The earliest time the last of N requests can be sent under both budgets (evenly spaced at the
    /// per-second rate, and at most perMinute in any sliding minute), plus one request's time.
    /// Beyond 190 requests the minute budget, not the second one, sets the floor.
    /// </summary>
    internal static double Floor(int requests, int perSecond, int perMinute)
    {
        var sent = new double[requests];
        for (var k = 1; k < requests; k++)
        {
            sent[k] = Math.Max(sent[k - 1] + (1.0 / perSecond), k >= perMinute ? sent[k - perMinute] + 60 : 0);
        }

        return sent[^1] + (1.0 / perSecond);
    }
}
