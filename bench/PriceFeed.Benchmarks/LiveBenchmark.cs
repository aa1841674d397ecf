using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Hosting;
using PriceFeed.Live;
using PriceFeed.Sandbox;

namespace PriceFeed.Benchmarks;

/// <summary>
/// The live stream as users run it (`serve --sandbox`: the app and its sandbox in one process), on a
/// replayed session so it runs at any hour: <c>live TOPICS MINUTES SPEED TRADES_PER_SECOND DROPS</c>.
/// The sandbox replays Thursday 26 Nov 2026 from 09:15 at SPEED times real time, TOPICS symbols each
/// trading TRADES_PER_SECOND times a market second (one socket update per trade), for MINUTES of wall
/// time, dropping every connection DROPS times along the way. Prints: records the sandbox built against
/// ticks the stream took (lost = the difference, past the reconnects' own gaps), memory each minute,
/// CPU, tick-to-fsync latency, minute-close-to-lake latency (market seconds), reconnect times, and the
/// bytes of the compacted ticks and of the live bars. CPU and memory are the whole process: the
/// sandbox's trade process and frame writing included, so they overstate the client's.
/// </summary>
internal static class LiveBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var topics = Arg(args, 0, 200);
        var minutes = Arg(args, 1, 3);
        var speed = Arg(args, 2, 1);
        var tradesPerSecond = Arg(args, 3, 1);
        var drops = Arg(args, 4, 0);
        var data = Directory.CreateTempSubdirectory("pricefeed-bench-live-").FullName;
        var port = FreePort();
        var settings = new ServeSettings(new Uri($"http://127.0.0.1:{port}/"), Sandbox: true);
        var from = new DateTimeOffset(2026, 11, 26, 9, 15, 0, TimeSpan.FromMinutes(330));
        var options = SandboxOptions.WithDefaults(new Uri(settings.PageUrl, "callback"));
        (options.ReplayFrom, options.ReplaySpeed, options.TradesPerSecond) = (from, speed, tradesPerSecond);
        var state = new SandboxState(options, TimeProvider.System);
        var probe = new LiveLatencyProbe();
        var symbols = string.Join(',', Enumerable.Range(1, topics).Select(i => $"NSE:SYN{i:000}-EQ"));
        var app = PriceFeedApp.Build(settings, [$"--Tokens:DataDirectory={data}", "--Ingestion:LocalScheduler=false", $"--Ingestion:Symbols={symbols}", "--Logging:LogLevel:Default=Warning"], services =>
        {
            services.AddSingleton(state);
            services.AddSingleton(probe);
        });
        await app.StartAsync();
        try
        {
            await SandboxProcess.LogInAsync(app.Services, settings.Origin);
            var feed = app.Services.GetRequiredService<LiveFeed>();
            using var stop = new CancellationTokenSource();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var run = feed.RunAsync(stop.Token);
            while (feed.Status.State != "live" && wall.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(100);
            }

            var subscribedAfter = wall.Elapsed.TotalSeconds;
            var memory = new List<double>();
            var heap = new List<double>();
            var dropEvery = drops > 0 ? TimeSpan.FromMinutes(minutes) / (drops + 1) : TimeSpan.MaxValue;
            var nextDrop = dropEvery;
            var nextSample = TimeSpan.Zero;
            var dropped = 0;
            var end = TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(subscribedAfter);
            while (wall.Elapsed < end)
            {
                if (wall.Elapsed >= nextSample)
                {
                    // What the OS sees, and what is still referenced after a full collection (a leak
                    // grows the second; garbage not yet collected only the first).
                    process.Refresh();
                    memory.Add(Math.Round(process.WorkingSet64 / 1048576.0, 1));
                    heap.Add(Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1));
                    nextSample += TimeSpan.FromMinutes(1);
                }

                if (dropped < drops && wall.Elapsed >= nextDrop && feed.Status.State == "live")
                {
                    state.DropSockets();
                    dropped++;
                    nextDrop += dropEvery;
                }

                await Task.Delay(200);
            }

            // The sandbox stops building frames; those already built arrive; then both sides are counted
            // (counting while frames are still being built would call the last step's records lost).
            state.SocketFaults.Silent = true;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var sent = state.SocketRecordsSent;
            var received = feed.Status.Ticks + feed.Status.Duplicates;
            await stop.CancelAsync();
            await run;
            var seconds = wall.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var compacted = await app.Services.GetRequiredService<TickCompactor>().CompactAsync(new DateOnly(2026, 11, 26), CancellationToken.None);
            var candles = Path.Combine(data, "lake", "candles");
            var lakeBars = Directory.Exists(candles) ? Directory.EnumerateFiles(candles, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
            var durable = Percentiles(probe.TickToDurable, 1);
            var toLake = Percentiles(probe.MinuteToLake, 1000);
            var reconnects = Percentiles(feed.Status.ReconnectDurations.Select(t => t.TotalSeconds));
            var ci = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(ci, $"{{\"benchmark\":\"live\",\"topics\":{topics},\"speed\":{speed},\"trades_per_second\":{tradesPerSecond},\"updates_per_topic_per_s\":{speed * tradesPerSecond},\"wall_seconds\":{seconds:F0},\"market_minutes\":{seconds * speed / 60:F0},")
                + string.Create(ci, $"\"records_built\":{sent},\"ticks_taken\":{received},\"duplicates\":{feed.Status.Duplicates},\"records_not_taken\":{sent - received},\"drops\":{drops},\"reconnects\":{feed.Status.Reconnects},")
                + string.Create(ci, $"\"reconnect_s\":{reconnects},\"cpu_seconds\":{cpu:F1},\"cpu_share_of_one_core\":{cpu / seconds:F2},\"working_set_mib_each_minute\":[{string.Join(',', memory.Select(m => m.ToString(ci)))}],\"live_heap_mib_each_minute\":[{string.Join(',', heap.Select(m => m.ToString(ci)))}],")
                + string.Create(ci, $"\"tick_to_durable_ms\":{durable},\"minute_to_lake_market_s\":{toLake},\"live_bars\":{feed.Status.BarsWritten},\"partial_minutes\":{feed.Status.PartialMinutes},\"late_ticks\":{feed.Status.LateTicks},")
                + string.Create(ci, $"\"ticks_compacted\":{compacted.Ticks},\"tick_file_bytes\":{compacted.Bytes},\"bytes_per_tick\":{(double)compacted.Bytes / Math.Max(1, compacted.Ticks):F2},\"candle_file_bytes\":{lakeBars},\"subscribed_after_s\":{subscribedAfter:F1}}}"));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A histogram's percentiles, in ms (divisor 1) or s (divisor 1000).</summary>
    private static string Percentiles(LiveLatencyProbe.Histogram values, double divisor) =>
        values.Count == 0
            ? "null"
            : FormattableString.Invariant($"{{\"n\":{values.Count},\"p50\":{values.Percentile(0.50) / divisor:F3},\"p95\":{values.Percentile(0.95) / divisor:F3},\"p99\":{values.Percentile(0.99) / divisor:F3},\"max\":{values.Max / divisor:F3}}}");

    private static string Percentiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "null";
        }

        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return FormattableString.Invariant($"{{\"n\":{sorted.Length},\"p50\":{At(0.50):F3},\"p95\":{At(0.95):F3},\"p99\":{At(0.99):F3},\"max\":{sorted[^1]:F3}}}");
    }

    private static int Arg(string[] args, int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
