namespace PriceFeed.Sandbox;

/// <summary>
/// How the local FYERS stand-in behaves. Everything it serves is synthetic; it exists so a newcomer
/// can try PriceFeed and every test can run without FYERS. Bound from the "Sandbox" section.
/// </summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>FYERS apps the sandbox knows. The default app's redirect URI is the app's own /callback.</summary>
    public List<SandboxApp> Apps { get; set; } = [];

    /// <summary>FYERS accounts that can log in. Each has a fixed 6-digit code in place of the TOTP.</summary>
    public List<SandboxAccount> Accounts { get; set; } = [];

    /// <summary>FYERS' limits (fyers-protocol.md §4): 10/s, 200/min, 100,000/day per app and user.</summary>
    public int RequestsPerSecond { get; set; } = 10;

    public int RequestsPerMinute { get; set; } = 200;

    public int RequestsPerDay { get; set; } = 100_000;

    /// <summary>"Blocked for the rest of the day if the per-minute limit is exceeded more than 3 times" (fyers-protocol.md §4).</summary>
    public bool BlockAfterThreeMinuteBreaches { get; set; } = true;

    /// <summary>
    /// Send Retry-After and X-Retry-After-Ms with 429s. FYERS does on order endpoints; on data
    /// endpoints it is unconfirmed (fyers-protocol.md §4), so by default the sandbox does not, and
    /// the client's path without the header is the one tests exercise.
    /// </summary>
    public bool SendRetryAfter { get; set; }

    /// <summary>How long an auth code can be exchanged (it also works only once).</summary>
    public TimeSpan AuthCodeValidity { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether validate-authcode also returns a refresh token (optional since April 2026).</summary>
    public bool IssueRefreshToken { get; set; } = true;

    /// <summary>Answer validate-refresh-token with the pre-2026 success shape instead of -501.</summary>
    public bool LegacyRefreshFlow { get; set; }

    /// <summary>How an empty history range is answered; FYERS' real shape is UNCONFIRMED (fyers-protocol.md §9).</summary>
    public bool EmptyHistoryAsNoData { get; set; }

    /// <summary>Dates on which the synthetic market is closed besides weekends.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Latency added to every FYERS call from the start (benchmarks); tests set SandboxFaults.Latency instead.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>From the start, this share (0..1) of FYERS calls is answered 503 (a seeded draw, so runs repeat).</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>From the start, history leaves out these IST dates entirely.</summary>
    public List<DateOnly> MissingDays { get; set; } = [];

    /// <summary>From the start, history cuts these IST dates after their first half.</summary>
    public List<DateOnly> TruncatedDays { get; set; } = [];

    /// <summary>From the start, every token issued so far dies after this many more FYERS calls.</summary>
    public int? RevokeTokensAfter { get; set; }

    /// <summary>
    /// Trades each symbol makes a second in the synthetic market, 1 to 10 (<see cref="Market.TradeTape"/>).
    /// The data socket sends an update per trade, so this is also its update rate per topic; the bars
    /// REST serves do not depend on it.
    /// </summary>
    public int TradesPerSecond { get; set; } = 1;

    /// <summary>
    /// Replay mode: the data socket plays the market from this moment (a past session's minute, IST)
    /// instead of now, so the stream can be watched and tested at any hour and on holidays. Only the
    /// socket replays; REST, tokens and rate limits keep the sandbox's own clock. Null: live.
    /// </summary>
    public DateTimeOffset? ReplayFrom { get; set; }

    /// <summary>
    /// When the sandbox starts outside the synthetic session (nights, weekends, holidays) and no
    /// <see cref="ReplayFrom"/> is set, replay the latest session from its 09:15 open, so the stream
    /// has something to show at any hour. Decided once, at the start.
    /// </summary>
    public bool ReplayWhenClosed { get; set; }

    /// <summary>How fast a replay plays, 1 (real time) to 60.</summary>
    public double ReplaySpeed { get; set; } = 1;

    /// <summary>The data socket's faults from the start (<see cref="Socket.SandboxSocketFaults"/> switches them later).</summary>
    public Socket.SandboxSocketOptions Socket { get; set; } = new();

    /// <summary>HS256 key of the tokens the sandbox issues; fixed so tokens survive a restart. Not a secret: sandbox only.</summary>
    public string SigningKey { get; set; } = "pricefeed-sandbox-signing-key-not-a-secret";

    public static SandboxOptions WithDefaults(Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        return new SandboxOptions
        {
            Apps = [new SandboxApp { ClientId = SandboxDefaults.ClientId, Secret = SandboxDefaults.Secret, RedirectUris = [redirectUri.AbsoluteUri, SandboxDefaults.FyersRedirect] }],
            Accounts =
            [
                new SandboxAccount { FyId = "XS00001", Name = "Sandbox Trader (synthetic)", Code = "123456" },
                new SandboxAccount { FyId = "XS00002", Name = "Other Sandbox Trader (synthetic)", Code = "654321" },
            ],
        };
    }
}

public sealed class SandboxApp
{
    public string ClientId { get; set; } = string.Empty;

    public string Secret { get; set; } = string.Empty;

    public List<string> RedirectUris { get; set; } = [];

    /// <summary>False mimics an app FYERS has not approved or activated yet (-352).</summary>
    public bool Active { get; set; } = true;

    public string AppId => ClientId.Split('-')[0];

    public int AppType => int.TryParse(ClientId.Split('-').ElementAtOrDefault(1), out var t) ? t : 100;
}

public sealed class SandboxAccount
{
    public string FyId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>The 6-digit code this account types instead of a TOTP.</summary>
    public string Code { get; set; } = "123456";
}

/// <summary>The credentials of the default sandbox app; printed by the app in sandbox mode, useless against FYERS.</summary>
public static class SandboxDefaults
{
    public const string ClientId = "SANDBOX01-100";
    public const string Secret = "sandbox-app-secret";

    /// <summary>
    /// FYERS' own redirect page, the one a new FYERS app is set up with (fyers-protocol.md §2): the
    /// paste mode's address. The sandbox app accepts it, and sends the browser to its stand-in of
    /// that page (<see cref="StandInPath"/>), since trade.fyers.in is not reachable offline.
    /// </summary>
    public const string FyersRedirect = "https://trade.fyers.in/api-login/redirect-uri/index.html";

    /// <summary>The stand-in's path on the sandbox's origin: the same path as FYERS' page.</summary>
    public const string StandInPath = "api-login/redirect-uri/index.html";
}
