namespace PriceFeed.Sandbox.Socket;

/// <summary>What the data socket does with a second connection of a user who has one open (FYERS: unconfirmed, fyers-protocol.md §16).</summary>
public enum SecondConnection
{
    /// <summary>Both stay open.</summary>
    Allow,

    /// <summary>The new connection is closed after its auth frame; the old one stays.</summary>
    Refuse,

    /// <summary>The new connection is taken and the old one is closed.</summary>
    EvictOld,
}

/// <summary>The data socket's start-up faults, bound from "Sandbox:Socket" like the other <c>--Sandbox:*</c> settings.</summary>
public sealed class SandboxSocketOptions
{
    public SecondConnection SecondConnection { get; set; } = SecondConnection.Allow;

    /// <summary>Every data frame is sent twice.</summary>
    public bool DuplicateFrames { get; set; }

    /// <summary>Data frames are held this long, then sent at the update loop's next step (a second at most later).</summary>
    public TimeSpan LateBy { get; set; }

    /// <summary>
    /// Added to every symbol's cumulative day volume on the wire, where it is 32 bits: an offset near
    /// 2^31 - 1 makes the volume pass it during the session, as a very liquid symbol's does.
    /// </summary>
    public long VolumeOffset { get; set; }
}

/// <summary>
/// Failures of the data socket a test or a rehearsal switches on, on top of <see cref="SandboxState.DropSockets"/>.
/// Each property is read at the moment it matters, so switching one changes open connections too.
/// </summary>
public sealed class SandboxSocketFaults
{
    internal SandboxSocketFaults(SandboxSocketOptions options)
    {
        SecondConnection = options.SecondConnection;
        DuplicateFrames = options.DuplicateFrames;
        LateBy = options.LateBy;
        VolumeOffset = options.VolumeOffset;
    }

    /// <summary>No data frames; the connection still answers WebSocket pings (a feed that stalls at the server).</summary>
    public bool Silent { get; set; }

    /// <summary>
    /// Nothing at all: no data, no control replies and no pongs, while TCP stays up. A dead network
    /// path, which only a client's ping timeout can notice.
    /// </summary>
    public bool Blackhole { get; set; }

    /// <summary>Every auth frame is answered 'N'.</summary>
    public bool RejectAuth { get; set; }

    public SecondConnection SecondConnection { get; set; }

    public bool DuplicateFrames { get; set; }

    public TimeSpan LateBy { get; set; }

    public long VolumeOffset { get; set; }

    /// <summary>Turns every fault off, start-up ones included.</summary>
    public void Reset()
    {
        Silent = false;
        Blackhole = false;
        RejectAuth = false;
        SecondConnection = SecondConnection.Allow;
        DuplicateFrames = false;
        LateBy = TimeSpan.Zero;
        VolumeOffset = 0;
    }
}
