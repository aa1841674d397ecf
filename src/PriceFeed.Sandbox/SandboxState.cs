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
    private readonly ConcurrentDictionary<long, Action> sockets = new();

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
    }

    public SandboxOptions Options { get; }

    /// <summary>The sandbox's own clock: tests move it past 06:00 IST to kill tokens.</summary>
    public TimeProvider Time { get; }

    public SandboxFaults Faults { get; }

    public SandboxRateLimiter RateLimiter { get; }

    /// <summary>FYERS calls answered (the login page excluded).</summary>
    public long Requests => Interlocked.Read(ref requests);

    internal SandboxAuthority Authority { get; }

    internal SyntheticMarket Market { get; }

    /// <summary>Calls answered per FYERS path, such as "data/quotes".</summary>
    public int RequestsTo(string path) => requestsByPath.TryGetValue(path, out var n) ? n : 0;

    /// <summary>Data-socket connections open now (fyers-protocol.md §16).</summary>
    public int OpenSockets => sockets.Count;

    /// <summary>Data-socket connections accepted since the start.</summary>
    public long SocketsAccepted => Interlocked.Read(ref socketsAccepted);

    /// <summary>A fault: every open data-socket connection is dropped at once (no close handshake).</summary>
    public void DropSockets()
    {
        foreach (var drop in sockets.Values)
        {
            drop();
        }
    }

    internal IDisposable TrackSocket(Action drop)
    {
        var id = Interlocked.Increment(ref socketsAccepted);
        sockets[id] = drop;
        return new Untrack(() => sockets.TryRemove(id, out _));
    }

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

    private sealed class Untrack(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
