using PriceFeed.Sandbox;

namespace PriceFeed.Live;

/// <summary>
/// The clock the live stream closes minutes and follows sessions by: the app's own, or, when the
/// embedded sandbox replays a past session (<see cref="SandboxOptions.ReplayFrom"/>), the replay's,
/// so a replayed 10:42 closes when the replay reaches 10:43 whatever the hour. Tokens and REST keep
/// the app's clock either way.
/// </summary>
internal sealed class LiveClock(TimeProvider time, IServiceProvider services)
{
    private SandboxState? Replay => services.GetService<SandboxState>() is { Replaying: true } state ? state : null;

    public TimeProvider Time => Replay?.MarketTime ?? time;

    /// <summary>True when the stream plays a replayed session: what it records is marked so.</summary>
    public bool Replaying => Replay is not null;
}
