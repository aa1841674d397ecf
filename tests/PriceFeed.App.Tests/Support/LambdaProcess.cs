using System.Diagnostics;
using System.Text;

namespace PriceFeed.App.Tests.Support;

/// <summary>The unpacked function, started as the adapter's bootstrap starts it, on a free port.</summary>
internal sealed class LambdaProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> stdout = [];

    private LambdaProcess(Process process, Uri origin)
    {
        this.process = process;
        Origin = origin;
#pragma warning disable RS0030 // a plain client standing in for the adapter, not a FYERS call
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
#pragma warning restore RS0030
    }

    public Uri Origin { get; }

    public HttpClient Http { get; }

    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (stdout)
            {
                return [.. stdout];
            }
        }
    }

    /// <param name="emulator">
    /// For a foreign-architecture zip: the emulator command line that runs the binary. run.sh's
    /// exec would need binfmt_misc, which containers rarely have, so the binary is started
    /// directly with run.sh's arguments (the test compares run.sh with the x64 zip's).
    /// </param>
    public static async Task<LambdaProcess> StartAsync(string taskRoot, string functionName, DateTimeOffset now, Dictionary<string, string> environment, string[]? emulator = null, Uri? origin = null)
    {
        origin ??= FreePort.Next();
        var start = new ProcessStartInfo(emulator is null ? Path.Combine(taskRoot, "run.sh") : emulator[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = taskRoot,
        };
        if (emulator is not null)
        {
            foreach (var arg in emulator.Skip(1).Append(Path.Combine(taskRoot, "pricefeed")).Append("serve"))
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["LAMBDA_TASK_ROOT"] = taskRoot;
        start.Environment["_HANDLER"] = "run.sh";
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = functionName;
        start.Environment["AWS_LWA_PORT"] = origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HOME"] = taskRoot; // Lambda's home is not writable; nothing may need it
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        ProcessClock.StartAt(start, now);

        var process = Process.Start(start)!;
        var function = new LambdaProcess(process, origin);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (function.stdout)
                {
                    function.stdout.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();

        // The adapter's readiness check: GET /healthz every 10 ms until it answers.
        var clock = Stopwatch.StartNew();
        // Emulated, the start takes seconds rather than milliseconds, more with both cores busy.
        var readiness = TimeSpan.FromSeconds(emulator is null ? 10 : 60);
        while (clock.Elapsed < readiness)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The function exited with {process.ExitCode}: {await stderr}");
            }

            try
            {
                using var ready = await function.Http.GetAsync(new Uri(origin, "healthz"));
                if (ready.IsSuccessStatusCode)
                {
                    return function;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(10);
            }
        }

        throw new InvalidOperationException("The function never answered /healthz.");
    }

    /// <summary>The first stdout line starting with <paramref name="prefix"/>; the pipe may deliver it a moment after the response.</summary>
    public async Task<string?> WaitForLineAsync(string prefix)
    {
        for (var i = 0; i < 200; i++)
        {
            if (StdoutLines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(10);
        }

        return null;
    }

    /// <summary>A request as the adapter forwards an API Gateway HTTP API (v2) event.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? requestContext, string? json = null, string host = "abc123.execute-api.ap-south-1.amazonaws.com")
    {
        var request = new HttpRequestMessage(method, new Uri(Origin, path));
        if (requestContext is not null)
        {
            request.Headers.Add("x-amzn-request-context", requestContext);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            request.Headers.Host = host;
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }
}
