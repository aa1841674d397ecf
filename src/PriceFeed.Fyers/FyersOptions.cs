using System.ComponentModel.DataAnnotations;

namespace PriceFeed.Fyers;

/// <summary>Where FYERS lives and how politely we talk to it. Bound from the "Fyers" section.</summary>
public sealed class FyersOptions
{
    public const string SectionName = "Fyers";

    /// <summary>v3 REST host for auth and user calls (fyers-protocol.md §1).</summary>
    [Required]
    public Uri AuthBaseUri { get; set; } = new("https://api-t1.fyers.in/api/v3/");

    /// <summary>v3 market-data REST host (fyers-protocol.md §1).</summary>
    [Required]
    public Uri DataBaseUri { get; set; } = new("https://api-t1.fyers.in/data/");

    /// <summary>FYERS' public symbol masters, no login needed (fyers-protocol.md §15): {segment}_sym_master.json here.</summary>
    [Required]
    public Uri SymbolMasterBaseUri { get; set; } = new("https://public.fyers.in/sym_details/");

    /// <summary>The data socket (fyers-protocol.md §16).</summary>
    [Required]
    public Uri DataSocketUri { get; set; } = new("wss://socket.fyers.in/hsm/v1-5/prod");

    /// <summary>
    /// How often the data socket is pinged (WebSocket ping frames), and how long a pong may take before
    /// the connection is taken for dead and reopened. Together at most 19 s from the last sign of
    /// life to a reconnect (issue 21: within 20 s), and never because the market is quiet.
    /// </summary>
    public TimeSpan DataSocketPingEvery { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan DataSocketPongTimeout { get; set; } = TimeSpan.FromSeconds(9);

    /// <summary>
    /// Cloudflare in front of FYERS blocks non-browser user agents on some auth endpoints
    /// (fyers-protocol.md §13.3), so we identify as a browser-compatible agent plus our own name.
    /// </summary>
    [Required]
    public string UserAgent { get; set; } = "Mozilla/5.0 (X11; Linux x86_64) PriceFeed/1.0";

    /// <summary>Our own per-second budget; FYERS allows 10/s, we keep a margin.</summary>
    [Range(1, 10)]
    public int RequestsPerSecond { get; set; } = 8;

    /// <summary>Our own per-minute budget; FYERS allows 200/min and blocks the day after 3 breaches.</summary>
    [Range(1, 200)]
    public int RequestsPerMinute { get; set; } = 190;

    /// <summary>Our own per-day budget; FYERS allows 100,000/day.</summary>
    [Range(1, 100_000)]
    public int RequestsPerDay { get; set; } = 95_000;

    /// <summary>
    /// How long every caller pauses after a 429 that carries no Retry-After: a whole window, so no
    /// request can land in the minute that was breached.
    /// </summary>
    public TimeSpan RateLimitCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries for transient failures (5xx, network, 429) on idempotent calls.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff delay for transient failures; grows exponentially with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True only when pointed at the in-repo sandbox; never defaulted on. Data from such a host is
    /// marked synthetic, whatever the host says.
    /// </summary>
    public bool UseSandbox { get; set; }
}
