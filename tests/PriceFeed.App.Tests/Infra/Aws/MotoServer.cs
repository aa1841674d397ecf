using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// moto_server (moto 5.2.1, the machine's Python 3.11; PRICEFEED_PYTHON names another interpreter)
/// on a free loopback port: S3 and SSM that check every call against the IAM policy of the user whose
/// access key signed it, once tests/aws/moto_setup.py has created the users and turned enforcement on
/// (docs/deploy-aws.md A8). Every request after that is recorded (moto's recorder) for the second
/// check, which evaluates resource ARNs and conditions that moto does not.
/// </summary>
internal sealed class MotoServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string recording;

    private MotoServer(Process process, Uri endpoint, string recording)
    {
        this.process = process;
        Endpoint = endpoint;
        this.recording = recording;
    }

    public Uri Endpoint { get; }

    public static string Python => Environment.GetEnvironmentVariable("PRICEFEED_PYTHON") is { Length: > 0 } p ? p : "python3";

    public static async Task<MotoServer> StartAsync()
    {
        var endpoint = FreePort.Next();
        var recording = Path.Combine(Directory.CreateTempSubdirectory("moto-").FullName, "recording.jsonl");
        var start = new ProcessStartInfo(Python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { RepoPaths.Of("tests", "aws", "moto_server.py"), "-H", "127.0.0.1", "-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MOTO_RECORDER_FILEPATH"] = recording;
        start.Environment.Remove("INITIAL_NO_AUTH_ACTION_COUNT"); // setup runs unchecked; moto_setup.py turns checks on
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Python} could not be started ({e.Message}): the IAM check needs Python 3.11 with moto 5.2.1 (scripts/test.sh finds it and sets PRICEFEED_PYTHON).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with {process.ExitCode}: is moto installed for {Python}?");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", endpoint.Port);
                return new MotoServer(process, endpoint, recording);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("moto_server did not start listening within 15 seconds.");
    }

    /// <summary>Creates buckets, parameters and one IAM user per identity, then enforces IAM. Returns each identity's key pair.</summary>
    public async Task<IReadOnlyDictionary<string, (string Key, string Secret)>> SetUpAsync(IEnumerable<string> buckets, IEnumerable<(string Name, string Value, string Type)> parameters, IReadOnlyDictionary<string, JsonObject> identities)
    {
        var spec = new JsonObject
        {
            ["endpoint"] = Endpoint.AbsoluteUri.TrimEnd('/'),
            ["region"] = "ap-south-1",
            ["buckets"] = new JsonArray([.. buckets.Select(b => JsonValue.Create(b))]),
            ["parameters"] = new JsonArray([.. parameters.Select(p => new JsonObject { ["name"] = p.Name, ["value"] = p.Value, ["type"] = p.Type })]),
            ["identities"] = new JsonObject(identities.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)i.Value.DeepClone()))),
        };
        var start = new ProcessStartInfo(Python) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.Of("tests", "aws", "moto_setup.py"));
        using var setup = Process.Start(start)!;
        await setup.StandardInput.WriteAsync(spec.ToJsonString());
        setup.StandardInput.Close();
        var stdout = setup.StandardOutput.ReadToEndAsync();
        var stderr = setup.StandardError.ReadToEndAsync();
        await setup.WaitForExitAsync();
        if (setup.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/aws/moto_setup.py failed: {await stderr}");
        }

        using var keys = JsonDocument.Parse(await stdout);
        return keys.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (p.Value.GetProperty("key").GetString()!, p.Value.GetProperty("secret").GetString()!));
    }

    /// <summary>Every request moto received since enforcement began, in order.</summary>
    public IReadOnlyList<RecordedRequest> Recording()
    {
        if (!File.Exists(recording))
        {
            return [];
        }

        var requests = new List<RecordedRequest>();
        foreach (var line in File.ReadLines(recording).Where(l => l.Length > 0))
        {
            var entry = JsonNode.Parse(line)!.AsObject();
            var headers = entry["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString(), StringComparer.OrdinalIgnoreCase);
            var body = entry["body"]?.GetValue<string>() ?? string.Empty;
            var bytes = entry["body_encoded"]?.GetValue<bool>() == true ? Convert.FromBase64String(body) : System.Text.Encoding.UTF8.GetBytes(body);
            requests.Add(new RecordedRequest(entry["method"]!.ToString(), new Uri(entry["url"]!.ToString()), headers, bytes));
        }

        return requests;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(Path.GetDirectoryName(recording)!, recursive: true);
    }
}

internal sealed record RecordedRequest(string Method, Uri Url, IReadOnlyDictionary<string, string> Headers, byte[] Body);
