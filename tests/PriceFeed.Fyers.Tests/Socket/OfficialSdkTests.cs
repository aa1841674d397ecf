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
        foreach (var arg in new[] { "data_ws.js", ws, server.DataBase.AbsoluteUri.TrimEnd('/'), $"{PriceFeed.Sandbox.SandboxDefaults.ClientId}:{credentials.AccessToken}", "NSE:SBIN-EQ,NSE:NIFTY50-INDEX", "NSE:SBIN-EQ" })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        var reading = Task.Run(async () =>
        {
            while (await node.StandardOutput.ReadLineAsync(Ct) is { } line)
            {
                // The SDK prints some things of its own; those lines are kept as "log".
                lines.Enqueue(line.StartsWith("{\"kind\"", StringComparison.Ordinal)
                    ? JsonDocument.Parse(line).RootElement.Clone()
                    : JsonSerializer.SerializeToElement(new { kind = "log", payload = line }));
            }
        }, Ct);
        try
        {
            // The SDK's last message for a symbol (it merges each update into what it has).
            JsonElement? Latest(string symbol) => lines.Where(l => l.GetProperty("kind").GetString() == "message" && l.GetProperty("payload").ValueKind == JsonValueKind.Object
                    && l.GetProperty("payload").TryGetProperty("symbol", out var s) && s.GetString() == symbol && l.GetProperty("payload").TryGetProperty("ltp", out _))
                .Select(l => (JsonElement?)l.GetProperty("payload")).LastOrDefault();
            decimal? Field(string symbol, string name) => Latest(symbol) is { } m && m.TryGetProperty(name, out var v) ? decimal.Parse(v.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;
            decimal? Ltp(string symbol) => Field(symbol, "ltp");

            // The sandbox's market at the replayed moment, which its REST quotes give for that moment.
            PriceFeed.Sandbox.Market.SyntheticQuote Quote(string symbol) => PriceFeed.Sandbox.Market.SyntheticQuote.At(server.State.Market, symbol, server.State.MarketTime.GetUtcNow());
            decimal Expected(string symbol) => (decimal)Quote(symbol).Last;
            await WaitAsync(() => Ltp("NSE:SBIN-EQ") is not null && Ltp("NSE:NIFTY50-INDEX") is not null, lines, node);
            foreach (var symbol in new[] { "NSE:SBIN-EQ", "NSE:NIFTY50-INDEX" })
            {
                var quote = Quote(symbol);
                Assert.Equal((decimal)quote.Last, Ltp(symbol));
                Assert.Equal((decimal)quote.Open, Field(symbol, "open_price"));
                Assert.Equal((decimal)quote.High, Field(symbol, "high_price"));
                Assert.Equal((decimal)quote.Low, Field(symbol, "low_price"));
                Assert.Equal((decimal)quote.PreviousClose, Field(symbol, "prev_close_price"));
            }

            // Scrips only: the day volume and the last trade's time, as the SDK's own field names say them.
            Assert.Equal(Quote("NSE:SBIN-EQ").Volume, Field("NSE:SBIN-EQ", "vol_traded_today"));
            Assert.Equal(Quote("NSE:SBIN-EQ").LastTradeAt!.Value.ToUnixTimeSeconds(), Field("NSE:SBIN-EQ", "last_traded_time"));
            Assert.Equal("sf", Latest("NSE:SBIN-EQ")!.Value.GetProperty("type").GetString());
            Assert.Equal("if", Latest("NSE:NIFTY50-INDEX")!.Value.GetProperty("type").GetString());

            // SBIN's market depth, by the SDK's names for the five levels: the sandbox's book at the
            // replayed moment (its REST /data/depth reports the same book: HsmProtocolTests), best bid at
            // the last price, asks a tick (0.05) above, 100 shares and one more order a level.
            JsonElement? Depth() => lines.Where(l => l.GetProperty("kind").GetString() == "message" && l.GetProperty("payload").ValueKind == JsonValueKind.Object
                    && l.GetProperty("payload").TryGetProperty("type", out var t) && t.GetString() == "dp")
                .Select(l => (JsonElement?)l.GetProperty("payload")).LastOrDefault();
            await WaitAsync(() => Depth() is not null, lines, node);
            var depth = Depth()!.Value;
            var last = (decimal)Quote("NSE:SBIN-EQ").Last;
            decimal At(string name) => decimal.Parse(depth.GetProperty(name).ToString(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("NSE:SBIN-EQ", depth.GetProperty("symbol").GetString());
            for (var level = 1; level <= 5; level++)
            {
                Assert.Equal(
                    (last - ((level - 1) * 0.05m), last + (level * 0.05m), 100m * level, 100m * level, (decimal)level, (decimal)level),
                    (At($"bid_price{level}"), At($"ask_price{level}"), At($"bid_size{level}"), At($"ask_size{level}"), At($"bid_order{level}"), At($"ask_order{level}")));
            }

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
                if (!node.HasExited)
                {
                    node.Kill(entireProcessTree: true);
                }

                var stderr = await node.StandardError.ReadToEndAsync(Ct);
                throw new TimeoutException($"The SDK said: {string.Join(" | ", lines.TakeLast(400).Select(l => l.GetRawText()))}; stderr ends: {stderr[Math.Max(0, stderr.Length - 800)..]}");
            }

            await Task.Delay(50, Ct);
        }
    }
}
