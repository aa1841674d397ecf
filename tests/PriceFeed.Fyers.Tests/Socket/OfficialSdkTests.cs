using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Tests.Support;

namespace PriceFeed.Fyers.Tests.Socket;

/// <summary>
/// Issue 21: FYERS' own SDK reads the sandbox's data socket. The official Node SDK (npm fyers-api-v3
/// 1.9.0, tests/sdk) is pointed at the sandbox, subscribes SBIN and NIFTY 50 in full mode (through the
/// sandbox's symbol-token), and decodes what the sandbox sends into the prices of its market. FYERS' Python SDK, which
/// the issue names, is not on this machine's package mirror; the Node SDK is the official one that is.
/// </summary>
public sealed class OfficialSdkTests
{
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    /// <summary>
    /// The SDK checks the token's expiry against the machine's clock, so the sandbox runs at the real
    /// now (its tokens are valid until the next 06:00 IST) and its socket replays Friday's session,
    /// which trades whatever the hour: green on any day.
    /// </summary>
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FyersNodeSdk_ConnectsSubscribesAndDecodes_ThePricesRestQuotes()
    {
        var sdk = PriceFeed.Testing.RepoPaths.Of("tests", "sdk");
        Assert.True(Directory.Exists(Path.Combine(sdk, "node_modules", "fyers-api-v3")), "FYERS' Node SDK is not installed: scripts/test.sh runs 'npm ci' in tests/sdk.");
        var clock = new FakeTimeProvider(Now);
        await using var server = await SandboxServer.StartAsync(time: clock, configure: o => o.ReplayFrom = FridayMidSession);
        using var client = server.CreateClient(clientTime: new PriceFeed.Testing.JumpableClock(Now));
        var credentials = await client.LogInAsync();
        var ws = new UriBuilder(server.Origin) { Scheme = "ws", Path = SandboxServer.Prefix + "/hsm/v1-5/prod" }.Uri.AbsoluteUri;
        var start = new ProcessStartInfo("node") { WorkingDirectory = sdk, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "data_ws.js", ws, server.DataBase.AbsoluteUri.TrimEnd('/'), $"{PriceFeed.Sandbox.SandboxDefaults.ClientId}:{credentials.AccessToken}", "NSE:SBIN-EQ,NSE:NIFTY50-INDEX" })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        var reading = Task.Run(async () =>
        {
            while (await node.StandardOutput.ReadLineAsync(Ct) is { } line)
            {
                lines.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
            }
        }, Ct);
        try
        {
            decimal? Ltp(string symbol) => lines.Where(l => l.GetProperty("kind").GetString() == "message" && l.GetProperty("payload").ValueKind == JsonValueKind.Object
                    && l.GetProperty("payload").TryGetProperty("symbol", out var s) && s.GetString() == symbol && l.GetProperty("payload").TryGetProperty("ltp", out _))
                .Select(l => decimal.Parse(l.GetProperty("payload").GetProperty("ltp").ToString(), System.Globalization.CultureInfo.InvariantCulture))
                .LastOrDefault() is var v && v != 0 ? v : null;

            // The prices the sandbox's market has at the replayed moment, which REST quotes give at that moment.
            decimal Expected(string symbol) => (decimal)PriceFeed.Sandbox.Market.SyntheticQuote.At(server.State.Market, symbol, server.State.MarketTime.GetUtcNow()).Last;
            await WaitAsync(() => Ltp("NSE:SBIN-EQ") is not null && Ltp("NSE:NIFTY50-INDEX") is not null, lines, node);
            Assert.Equal(Expected("NSE:SBIN-EQ"), Ltp("NSE:SBIN-EQ"));
            Assert.Equal(Expected("NSE:NIFTY50-INDEX"), Ltp("NSE:NIFTY50-INDEX"));

            // A minute on, the SDK's updates carry the new prices.
            clock.Advance(TimeSpan.FromSeconds(60));
            var sbin = Expected("NSE:SBIN-EQ");
            await WaitAsync(() => Ltp("NSE:SBIN-EQ") == sbin && Ltp("NSE:NIFTY50-INDEX") == Expected("NSE:NIFTY50-INDEX"), lines, node);
            Assert.DoesNotContain(lines, l => l.GetProperty("kind").GetString() == "error");
        }
        finally
        {
            node.StandardInput.Close();
            if (!node.WaitForExit(5000))
            {
                node.Kill(entireProcessTree: true);
            }

            await reading.WaitAsync(TimeSpan.FromSeconds(5), Ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task WaitAsync(Func<bool> done, System.Collections.Concurrent.ConcurrentQueue<JsonElement> lines, Process node)
    {
        var waited = Stopwatch.StartNew();
        while (!done())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20) || node.HasExited)
            {
                var stderr = node.HasExited ? await node.StandardError.ReadToEndAsync(Ct) : "(running)";
                throw new TimeoutException($"The SDK said: {string.Join(" | ", lines.TakeLast(10).Select(l => l.GetRawText()))}; stderr ends: {stderr[Math.Max(0, stderr.Length - 800)..]}");
            }

            await Task.Delay(50, Ct);
        }
    }
}
