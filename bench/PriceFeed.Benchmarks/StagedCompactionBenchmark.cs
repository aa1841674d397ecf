using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Lake;
using PriceFeed.Live;

namespace PriceFeed.Benchmarks;

/// <summary>
/// The end-of-day job's step on AWS (issue 22): a day of ticks the stream shifts staged, compacted
/// into the day's Parquet through the code path the job runs (<see cref="TickCompactor.CompactStagedAsync"/>:
/// each piece copied to local disk, read line by line, written a row group at a time, hashed, read
/// back, the pieces deleted). The pieces are what shifts upload: one every 30 s for 6 h 15 min, each
/// with every symbol's ticks of those 30 s (one update a second per symbol, prices walking, volumes
/// rising), and the 10 s overlap of each handover in both shifts' pieces. Prints wall time, ticks a
/// second, the process's peak working set, and the bytes staged and stored.
/// </summary>
internal static class StagedCompactionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var symbols = int.Parse(args[0], CultureInfo.InvariantCulture);
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 22_500;
        var root = Directory.CreateTempSubdirectory("pricefeed-bench-staged-").FullName;
        try
        {
            var sink = new LocalDataSink(Path.Combine(root, "lake"));
            var date = new DateOnly(2026, 11, 27);
            var open = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));
            var staged = await StageAsync(sink, date, open, symbols, seconds);

            var compactor = new TickCompactor(
                sink,
                new LakeWriter(sink, Options.Create(new LakeOptions()), TimeProvider.System, NullLogger<LakeWriter>.Instance),
                new Home.DataFolder(Path.Combine(root, "home")),
                MarketCalendar.Load(new CalendarOptions()),
                new LiveClock(TimeProvider.System, new EmptyServices()),
                NullLogger<TickCompactor>.Instance);
            var parse = Stopwatch.StartNew();
            var parsed = 0L;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "lake", "staging"), "*.jsonl", SearchOption.AllDirectories))
            {
                await foreach (var _ in TickLog.ReadEachAsync(file, CancellationToken.None))
                {
                    parsed++;
                }
            }

            parse.Stop();

            // The peak resident set is the compaction's own: the staging above is forgotten first
            // (Linux: writing 5 to clear_refs resets the peak the kernel reports as VmHWM).
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var done = await compactor.CompactStagedAsync(date, CancellationToken.None);
            clock.Stop();
            process.Refresh();
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["symbols"] = symbols,
                ["seconds"] = seconds,
                ["pieces"] = staged.Pieces,
                ["staged_lines"] = staged.Lines,
                ["staged_bytes"] = staged.Bytes,
                ["ticks_stored"] = done.Ticks,
                ["duplicates_dropped"] = done.Duplicates,
                ["parquet_bytes"] = done.Bytes,
                ["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                ["cpu_seconds"] = Math.Round((process.TotalProcessorTime - cpuBefore).TotalSeconds, 1),
                ["parse_only_seconds"] = Math.Round(parse.Elapsed.TotalSeconds, 2),
                ["ticks_per_second"] = Math.Round(staged.Lines / clock.Elapsed.TotalSeconds),
                ["peak_rss_mib"] = PeakRssMib(),
                ["pieces_left"] = (await sink.ListAsync(StreamShift.StagingOf(date), CancellationToken.None)).Count,
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static long PeakRssMib() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    /// <summary>The day's pieces as the shifts upload them: a piece every 30 s, a handover every 10 minutes with 10 s in both shifts.</summary>
    private static async Task<(int Pieces, long Lines, long Bytes)> StageAsync(LocalDataSink sink, DateOnly date, DateTimeOffset open, int symbols, int seconds)
    {
        var names = Enumerable.Range(0, symbols).Select(i => $"NSE:SYM{i:D4}-EQ").ToArray();
        var prices = Enumerable.Range(0, symbols).Select(i => 100m + i).ToArray();
        var volumes = new long[symbols];
        var random = new Random(7);
        var (pieces, lines, bytes) = (0, 0L, 0L);
        var piece = new StringBuilder();
        var overlap = new StringBuilder();
        var shift = 0;
        for (var second = 0; second < seconds; second++)
        {
            var at = open.AddSeconds(second);
            for (var s = 0; s < symbols; s++)
            {
                prices[s] = Math.Max(1m, prices[s] + (random.Next(-2, 3) * 0.05m));
                volumes[s] += random.Next(1, 500);
                var line = string.Create(CultureInfo.InvariantCulture, $"{{\"s\":\"{names[s]}\",\"t\":{at.ToUnixTimeMilliseconds()},\"p\":{prices[s]},\"v\":{volumes[s]},\"b\":{prices[s] - 0.05m},\"a\":{prices[s] + 0.05m},\"r\":{at.ToUnixTimeMilliseconds() + 120},\"src\":\"bench\"}}\n");
                piece.Append(line);
                lines++;
                if (second % 600 >= 590)
                {
                    overlap.Append(line); // the next shift sees the handover's last 10 s too
                }
            }

            if ((second + 1) % 30 == 0 || second == seconds - 1)
            {
                var text = Encoding.UTF8.GetBytes(piece.ToString());
                await sink.WriteAsync($"{StreamShift.StagingOf(date)}{Shift(shift)}-{pieces:D4}.jsonl", text, CancellationToken.None);
                (pieces, bytes) = (pieces + 1, bytes + text.Length);
                piece.Clear();
                if ((second + 1) % 600 == 0 && second + 1 < seconds)
                {
                    // The next shift's first piece holds the overlap it saw too.
                    shift++;
                    piece.Append(overlap);
                    lines += overlap.Length == 0 ? 0 : overlap.ToString().Count(c => c == '\n');
                    overlap.Clear();
                }
            }
        }

        return (pieces, lines, bytes);
    }

    /// <summary>Shift ids sort by start, as the real ones (UTC claim time first) do.</summary>
    private static string Shift(int n) => $"shift{n:D3}";

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
