using Microsoft.Extensions.Time.Testing;
using PriceFeed.Fyers.Socket;
using PriceFeed.Fyers.Tests.Support;
using PriceFeed.Sandbox.Socket;
using PriceFeed.Testing;

namespace PriceFeed.Fyers.Tests.Socket;

/// <summary>
/// Issue 21: the client's stream against each of the sandbox socket's faults, with the outcome the
/// issue asks for. Pings run on the real clock (they are the WebSocket's own), so these tests use
/// half-second pings and timeouts: the same rule as the 10 s / 9 s defaults, twenty times faster.
/// </summary>
public sealed class SocketFaultTests
{
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));
    private static readonly string[] Topics = ["sf|nse_cm|3045", "if|nse_cm|Nifty 50"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(SandboxServer Server, FyersTestClient Client, PriceFeed.Fyers.Auth.FyersCredentials Credentials, FakeTimeProvider Clock, JumpableClock ClientClock)> StartAsync()
    {
        var clock = new FakeTimeProvider(FridayMidSession);
        var clientClock = new JumpableClock(FridayMidSession);
        var server = await SandboxServer.StartAsync(time: clock);
        var client = server.CreateClient(
            o =>
            {
                o.DataSocketPingEvery = TimeSpan.FromMilliseconds(500);
                o.DataSocketPongTimeout = TimeSpan.FromMilliseconds(500);
            },
            clientClock);
        return (server, client, await client.LogInAsync(), clock, clientClock);
    }

    [Fact]
    public async Task SilenceWithPongs_CausesNothing_AndTheFeedCarriesOnWhenItSpeaksAgain()
    {
        var (server, client, credentials, clock, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        var recorder = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, stop.Token);
        await recorder.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "subscribed");

        server.State.SocketFaults.Silent = true;
        clock.Advance(TimeSpan.FromSeconds(30)); // the market moves, the feed says nothing
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // six ping periods
        var duringSilence = recorder.Records.Count(r => r.Type == 'U');
        server.State.SocketFaults.Silent = false;
        clock.Advance(TimeSpan.FromSeconds(1));
        await recorder.WaitAsync(r => r.Records.Count(x => x.Type == 'U') > duringSilence, "an update after the silence");
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, duringSilence);
        Assert.Equal(0, recorder.Count(HsmStreamEventKind.Disconnected));
        Assert.Equal(1, server.State.SocketsAccepted);
    }

    [Fact]
    public async Task SilenceWithoutPongs_IsADeadConnection_ReopenedWithinPingPlusTimeout()
    {
        var (server, client, credentials, _, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        var recorder = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, stop.Token);
        await recorder.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "subscribed");

        server.State.SocketFaults.Blackhole = true;
        var dead = System.Diagnostics.Stopwatch.StartNew();
        await recorder.WaitAsync(r => r.Count(HsmStreamEventKind.Disconnected) == 1, "the dead connection noticed");
        var noticed = dead.Elapsed;
        server.State.SocketFaults.Blackhole = false;
        await recorder.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 2, "subscribed again");
        await stop.CancelAsync();
        await run;

        // Ping every 0.5 s, pong within 0.5 s: noticed within about a second (the defaults' 19 s,
        // scaled), with scheduling slack for a busy machine.
        Assert.InRange(noticed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(2, server.State.SocketsAccepted);
    }

    [Fact]
    public async Task AuthN_StopsAtOnce_WithoutRetrying()
    {
        var (server, client, credentials, _, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        server.State.SocketFaults.RejectAuth = true;
        var recorder = new StreamRecorder();

        var end = await client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, Ct);

        Assert.Equal(HsmStreamEnd.LoginNeeded, end);
        Assert.Equal(1, server.State.SocketsAccepted);
        Assert.Equal([HsmStreamEventKind.Connected, HsmStreamEventKind.LoginNeeded], recorder.Events.Select(e => e.Kind));
    }

    [Fact]
    public async Task TheTokenDyingAt0600_WhileConnected_EndsLoginNeeded_AfterOneConnection()
    {
        var (server, client, credentials, clock, clientClock) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        var recorder = new StreamRecorder();
        var run = client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, Ct);
        await recorder.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "subscribed");

        // Saturday 06:01 IST on both clocks (the token was issued at 11:00:30, so it died at 06:00:30):
        // the sandbox closes the connection, and the client,
        // seeing its token past expiry, does not dial again.
        var after = new DateTimeOffset(2026, 11, 28, 6, 1, 0, TimeSpan.FromMinutes(330));
        clientClock.SetUtcNow(after);
        clock.SetUtcNow(after);

        Assert.Equal(HsmStreamEnd.LoginNeeded, await run.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.Equal(1, server.State.SocketsAccepted);
        Assert.Contains("no longer valid", recorder.Events.Single(e => e.Kind == HsmStreamEventKind.Disconnected).Detail, StringComparison.Ordinal);
        Assert.Contains("expired at 06:00 IST", recorder.Events.Single(e => e.Kind == HsmStreamEventKind.LoginNeeded).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondConnection_Refused_LeavesTheFirstStreaming()
    {
        var (server, client, credentials, clock, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        server.State.SocketFaults.SecondConnection = SecondConnection.Refuse;
        var first = new StreamRecorder();
        var second = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runFirst = client.Stream.RunAsync(credentials, Topics, full: true, first.Record, first.Event, stop.Token);
        await first.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "the first subscribed");

        var runSecond = client.Stream.RunAsync(credentials, Topics, full: true, second.Record, second.Event, stop.Token);
        await second.WaitAsync(r => r.Count(HsmStreamEventKind.Disconnected) >= 1, "the second refused");
        var updates = first.Records.Count(r => r.Type == 'U');
        clock.Advance(TimeSpan.FromSeconds(2));
        await first.WaitAsync(r => r.Records.Count(x => x.Type == 'U') > updates, "the first still updating");
        await stop.CancelAsync();
        await Task.WhenAll(runFirst, runSecond);

        Assert.Equal(0, first.Count(HsmStreamEventKind.Disconnected));
        Assert.Equal(0, second.Count(HsmStreamEventKind.Subscribed));
        Assert.Contains("Another data-socket connection of this user is open", second.Events.First(e => e.Kind == HsmStreamEventKind.Disconnected).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondConnection_EvictingTheOld_ClosesTheFirst_WhichSaysWhy()
    {
        var (server, client, credentials, _, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        server.State.SocketFaults.SecondConnection = SecondConnection.EvictOld;
        var first = new StreamRecorder();
        var second = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runFirst = client.Stream.RunAsync(credentials, Topics, full: true, first.Record, first.Event, stop.Token);
        await first.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "the first subscribed");

        var runSecond = client.Stream.RunAsync(credentials, Topics, full: true, second.Record, second.Event, stop.Token);
        await second.WaitAsync(r => r.Count(HsmStreamEventKind.Subscribed) == 1, "the second subscribed");
        await first.WaitAsync(r => r.Count(HsmStreamEventKind.Disconnected) >= 1, "the first evicted");
        await stop.CancelAsync();
        await Task.WhenAll(runFirst, runSecond);

        Assert.Contains("Replaced by a newer data-socket connection", first.Events.First(e => e.Kind == HsmStreamEventKind.Disconnected).Detail, StringComparison.Ordinal);
    }
}
