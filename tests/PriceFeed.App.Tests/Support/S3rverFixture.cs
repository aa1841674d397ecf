using System.Diagnostics;
using System.Net.Sockets;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// npm s3rver (tests/s3, installed by scripts/test.sh) on a free loopback port with one bucket, for
/// the S3 sink's tests against a real S3-speaking server.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "pricefeed-lake";

    private Process? process;
    private string? directory;

    public Uri ServiceUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var s3rver = RepoPaths.Of("tests", "s3", "node_modules", ".bin", "s3rver");
        if (!File.Exists(s3rver))
        {
            throw new InvalidOperationException($"The S3 emulator is not installed at {s3rver}: run 'npm ci' in tests/s3 (scripts/test.sh does).");
        }

        directory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        ServiceUrl = FreePort.Next();
        var start = new ProcessStartInfo(s3rver) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-d", directory, "-a", "127.0.0.1", "-p", ServiceUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;

        // s3rver checks S3RVER/S3RVER, which AwsTestCredentials put in the environment for the whole assembly.
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", ServiceUrl.Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("s3rver did not start listening within 10 seconds.");
    }

    public ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
        }

        process?.Dispose();
        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
