using System.Diagnostics;
using System.Globalization;

namespace PriceFeed.Benchmarks;

/// <summary>
/// A backfill of N symbols × a year of 1-minute candles from the sandbox: `pricefeed backfill` as a
/// user runs it (the published binary, its own process), its peak RSS (VmHWM) sampled every 20 ms.
/// Targets: within 1.3× the rate-limit floor, and under 120 MiB, flat in the number of symbols.
/// </summary>
internal static class BackfillBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: backfill SYMBOLS DAYS LAKE_DIR PRICEFEED_BINARY");
            return 2;
        }

        var symbols = int.Parse(args[0], CultureInfo.InvariantCulture);
        var days = int.Parse(args[1], CultureInfo.InvariantCulture);
        var lake = Path.GetFullPath(args[2]);
        var binary = Path.GetFullPath(args[3]);
        await using var sandbox = await SandboxProcess.StartAsync(TimeSpan.Zero);
        using (await sandbox.LoggedInHostAsync([]))
        {
            // The login lands in the token store under DataDirectory, which the CLI process reads.
        }

        var to = new DateOnly(2026, 11, 26);
        var list = string.Join(',', Enumerable.Range(1, symbols).Select(i => $"NSE:SYN{i:000}-EQ"));
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "backfill", "--from", to.AddDays(1 - days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--symbols", list, "--sandbox", sandbox.Origin.AbsoluteUri.TrimEnd('/') })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tokens__DataDirectory"] = sandbox.DataDirectory;
        start.Environment["Ingestion__LakeDirectory"] = lake;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var peak = 0.0;
        var status = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            try
            {
                peak = Math.Max(peak, PeakRssMib(status));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // exited between the check and the read
            }

            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var output = await stdout + await stderr;
        var bars = Directory.EnumerateFiles(Path.Combine(lake, "candles"), "*.parquet", SearchOption.AllDirectories).Count();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine(output);
        }

        var summary = LastLine(output);
        var written = System.Text.RegularExpressions.Regex.Match(summary, @"(\d+) bars written") is { Success: true } m ? m.Groups[1].Value : "0";
        var chunks = System.Text.RegularExpressions.Regex.Match(summary, @"(\d+) chunks") is { Success: true } c ? c.Groups[1].Value : "0";
        var floor = EndToEndBenchmark.Floor(int.Parse(chunks, CultureInfo.InvariantCulture), perSecond: 8, perMinute: 190);
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"backfill\",\"exit_code\":{process.ExitCode},\"symbols\":{symbols},\"days\":{days},\"chunks\":{chunks},\"floor_seconds\":{floor:F2},\"ratio\":{seconds / floor:F3},\"bars\":{written},\"files\":{bars},\"seconds\":{seconds:F1},\"peak_rss_mib\":{peak:F1},\"summary\":\"{summary}\"}}"));
        return process.ExitCode;
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.Contains("Backfill complete", StringComparison.Ordinal) || l.Contains("failed", StringComparison.Ordinal))?.Replace("\"", "'", StringComparison.Ordinal) ?? string.Empty;

    /// <summary>A process's peak resident set (Linux /proc VmHWM); 0 once it has exited (a zombie has no VmHWM line).</summary>
    public static double PeakRssMib(string statusFile = "/proc/self/status")
    {
        var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
