using System.Collections.Concurrent;
using PriceFeed.Sandbox.Auth;
using PriceFeed.Sandbox.Http;
using PriceFeed.Sandbox.Market;

namespace PriceFeed.Sandbox;

/// <summary>Everything the sandbox remembers, and the handles tests use to steer and inspect it.</summary>
public sealed class SandboxState
{
    private readonly ConcurrentDictionary<string, int> requestsByPath = new(StringComparer.Ordinal);
    private long requests;
    private long socketsAccepted;
    private long socketRecords;
    private readonly ConcurrentDictionary<long, Socket.SocketHandle> sockets = new();

    public SandboxState(SandboxOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Time = time;
        Faults = new SandboxFaults
        {
            Latency = options.Latency,
            ServerErrorRate = options.ServerErrorRate,
            MissingDays = [.. options.MissingDays],
            TruncatedDays = [.. options.TruncatedDays],
        };
        if (options.RevokeTokensAfter is { } after)
        {
            Faults.RevokeTokensAfter(after);
        }

        RateLimiter = new SandboxRateLimiter(options, time);
        Authority = new SandboxAuthority(options, time);
        Market = new SyntheticMarket(options);
        var replayFrom = options.ReplayFrom ?? (options.ReplayWhenClosed ? Market.LatestOpenIfClosed(time.GetUtcNow()) : null);
        MarketTime = replayFrom is { } from ? new ReplayClock(time, from, options.ReplaySpeed) : time;
        SocketFaults = new Socket.SandboxSocketFaults(options.Socket);
    }

    public SandboxOptions Options { get; }

    /// <summary>The sandbox's own clock: tests move it past 06:00 IST to kill tokens.</summary>
    public TimeProvider Time { get; }

    public SandboxFaults Faults { get; }

    /// <summary>
    /// The data socket's market clock: <see cref="Time"/>, or in replay mode a <see cref="ReplayClock"/>
    /// playing a past session (<see cref="SandboxOptions.ReplayFrom"/>).
    /// </summary>
    public TimeProvider MarketTime { get; }

    /// <summary>True when the data socket replays a past session: what it sends is replayed, not live.</summary>
    public bool Replaying => MarketTime is ReplayClock;

    public Socket.SandboxSocketFaults SocketFaults { get; }

    public SandboxRateLimiter RateLimiter { get; }

    /// <summary>FYERS calls answered (the login page excluded).</summary>
    public long Requests => Interlocked.Read(ref requests);

    internal SandboxAuthority Authority { get; }

    internal SyntheticMarket Market { get; }

    /// <summary>Calls answered per FYERS path, such as "data/quotes".</summary>
    public int RequestsTo(string path) => requestsByPath.TryGetValue(path, out var n) ? n : 0;

    /// <summary>Data-socket connections open now (fyers-protocol.md §16).</summary>
    public int OpenSockets => sockets.Count;

    /// <summary>Records (snapshots, updates, lite) the data socket built since the start, each counted once however often its frame was sent.</summary>
    public long SocketRecordsSent => Interlocked.Read(ref socketRecords);

    internal void CountSocketRecords(int records) => Interlocked.Add(ref socketRecords, records);

    /// <summary>Data-socket connections accepted since the start.</summary>
    public long SocketsAccepted => Interlocked.Read(ref socketsAccepted);

    /// <summary>A fault: every open data-socket connection is dropped at once (no close handshake).</summary>
    public void DropSockets()
    {
        foreach (var socket in sockets.Values)
        {
            socket.Drop();
        }
    }

    /// <summary>The FYERS ids of the users with a data-socket connection open and logged in, one entry per connection.</summary>
    public IReadOnlyList<string> SocketUsers => [.. sockets.Values.Select(s => s.FyId).OfType<string>().Order(StringComparer.Ordinal)];

    internal Socket.SocketHandle TrackSocket(Action drop)
    {
        var id = Interlocked.Increment(ref socketsAccepted);
        var handle = new Socket.SocketHandle(id, drop, () => sockets.TryRemove(id, out _));
        sockets[id] = handle;
        return handle;
    }

    /// <summary>The other open connections of a user.</summary>
    internal IEnumerable<Socket.SocketHandle> OtherSockets(Socket.SocketHandle of) =>
        sockets.Values.Where(s => s.Id != of.Id && s.FyId is not null && s.FyId == of.FyId);

    /// <summary>Revokes every token issued so far, like a server-side logout FYERS does not announce.</summary>
    public void RevokeAllTokens() => Authority.RevokeAll();

    public void ResetCounters()
    {
        requestsByPath.Clear();
        Interlocked.Exchange(ref requests, 0);
        RateLimiter.Reset();
    }

    internal void Count(string path)
    {
        Interlocked.Increment(ref requests);
        requestsByPath.AddOrUpdate(path, 1, static (_, n) => n + 1);
    }
}
