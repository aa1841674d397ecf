using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PriceFeed.Cli;
using PriceFeed.Fyers.Auth;
using PriceFeed.Sandbox;
using PriceFeed.Tokens;

namespace PriceFeed.Benchmarks;

/// <summary>
/// `pricefeed serve --sandbox` as a separate process (so its memory and CPU are not the measured
/// process's), and a CLI host in this process logged in to it.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process process;

    private SandboxProcess(Process process, Uri origin, string dataDirectory)
    {
        this.process = process;
        Origin = origin;
        DataDirectory = dataDirectory;
    }

    public Uri Origin { get; }

    public string DataDirectory { get; }

    public static async Task<SandboxProcess> StartAsync(TimeSpan latency)
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var origin = new Uri($"http://127.0.0.1:{port}/");
        var data = Directory.CreateTempSubdirectory("pricefeed-bench-").FullName;
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pricefeed")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "serve", "--sandbox", "--urls", origin.AbsoluteUri.TrimEnd('/') })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tokens__DataDirectory"] = Path.Combine(data, "server");
        start.Environment["Sandbox__Latency"] = latency.ToString();
        start.Environment["Ingestion__LocalScheduler"] = "false";
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new SandboxProcess(process, origin, data);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("The sandbox did not start.");
    }

    /// <summary>A CLI host whose token store holds a fresh sandbox login.</summary>
    public async Task<IHost> LoggedInHostAsync(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var host = CliHost.Build(Origin, [new("Tokens:DataDirectory", DataDirectory), .. settings]);
        await LogInAsync(host.Services, Origin);
        return host;
    }

    /// <summary>A sandbox login through the sandbox's login form, stored by the services' token vault.</summary>
    public static async Task LogInAsync(IServiceProvider services, Uri origin)
    {
        var vault = services.GetRequiredService<TokenVault>();
        var auth = services.GetRequiredService<FyersAuthClient>();
        var callback = new Uri(origin, "callback");
        await vault.SaveCredentialsAsync(SandboxDefaults.ClientId, SandboxDefaults.Secret, callback.AbsoluteUri, SandboxDefaults.Secret, CancellationToken.None);
        var login = auth.BuildLoginUrl(SandboxDefaults.ClientId, callback, "bench");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = SandboxDefaults.ClientId, ["redirect_uri"] = callback.AbsoluteUri, ["state"] = "bench",
            ["fy_id"] = "XS00001", ["totp"] = "123456", ["consent"] = "yes",
        });
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
#pragma warning disable RS0030 // one raw, non-redirecting request standing in for the browser
        using var browser = new HttpClient(handler);
#pragma warning restore RS0030
        using var response = await browser.PostAsync(new Uri(login, "sandbox-login"), form);
        AuthRedirect.TryParse(response.Headers.Location!.AbsoluteUri, out var redirect, out _);
        var result = await vault.CompleteLoginAsync(redirect!.AuthCode, CancellationToken.None);
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
