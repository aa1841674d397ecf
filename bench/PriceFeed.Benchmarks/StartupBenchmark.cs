using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace PriceFeed.Benchmarks;

/// <summary>
/// Start to first successful GET /healthz of a `pricefeed` binary, as the Lambda Web Adapter's
/// readiness check sees it (it polls every 10 ms; this polls every 1 ms for resolution). Median of
/// N cold process starts, with the environment the Lambda functions get (SSM store, no scheduler).
/// Target for the AOT binary: under 100 ms.
/// </summary>
internal static class StartupBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: startup LABEL BINARY [RUNS]");
            return 2;
        }

        var label = args[0];
        var binary = Path.GetFullPath(args[1]);
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        var times = new List<double>();
        var rss = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var (ms, rssMb) = await OnceAsync(binary);
            if (i > 0)
            {
                times.Add(ms); // the first start warms the page cache, as a warm Lambda host has it
                rss.Add(rssMb);
            }
        }

        times.Sort();
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"startup\",\"label\":\"{label}\",\"runs\":{runs},\"median_ms\":{Median(times):F1},\"min_ms\":{times[0]:F1},\"max_ms\":{times[^1]:F1},\"rss_mib\":{Median(rss):F1},\"files_bytes\":{FolderBytes(binary)}}}"));
        return 0;
    }

    private static async Task<(double Ms, double RssMb)> OnceAsync(string binary)
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var data = Directory.CreateTempSubdirectory("pricefeed-startup-").FullName;
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "bench-token-generator";
        start.Environment["AWS_LWA_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Tokens__Store"] = "ssm";
        start.Environment["Tokens__SsmServiceUrl"] = "http://127.0.0.1:9/";
        start.Environment["Tokens__DataDirectory"] = data;
        start.Environment["Ingestion__LocalScheduler"] = "false";
        start.Environment["PathBase"] = "/prod";
        start.Environment["AWS_REGION"] = "ap-south-1";
        start.Environment["AWS_ACCESS_KEY_ID"] = "bench";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "bench";
        var request = Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        var buffer = new byte[64];
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                try
                {
                    // A raw socket, not HttpClient: the probe's own overhead stays out of the number.
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    await socket.SendAsync(request);
                    var read = await socket.ReceiveAsync(buffer);
                    if (read > 12 && Encoding.ASCII.GetString(buffer, 0, 12) == "HTTP/1.1 200")
                    {
                        var ms = clock.Elapsed.TotalMilliseconds;
                        return (ms, BackfillBenchmark.PeakRssMib($"/proc/{process.Id}/status"));
                    }
                }
                catch (SocketException)
                {
                }

                await Task.Delay(1);
            }

            throw new InvalidOperationException($"{binary} never answered /healthz.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Bytes of everything published beside the binary (the AOT build is one file; the JIT build is many).</summary>
    private static long FolderBytes(string binary) =>
        new DirectoryInfo(Path.GetDirectoryName(binary)!).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is not ".pdb" and not ".dbg")
            .Sum(f => f.Length);
}
