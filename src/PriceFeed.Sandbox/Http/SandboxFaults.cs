namespace PriceFeed.Sandbox.Http;

/// <summary>
/// Failures a test switches on for the sandbox's FYERS endpoints. Counts ("the next N") are consumed
/// one per request, so a test says exactly how many answers go wrong.
/// </summary>
public sealed class SandboxFaults
{
    private readonly Lock gate = new();
    private Random random = new(20260401);
    private int force429;
    private int malformed;
    private int serverErrors;
    private int revokeAfter = -1;

    /// <summary>Added to every answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share (0..1) of requests answered 500, drawn from a seeded generator so runs repeat.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>History answers "ok" with no candles, like FYERS' silent empty history (fyers-protocol.md §13.8).</summary>
    public bool EmptyHistory { get; set; }

    /// <summary>IST dates history leaves out entirely, for every symbol: a trading day missing from FYERS' answer.</summary>
    public HashSet<DateOnly> MissingDays { get; set; } = [];

    /// <summary>IST dates history cuts after the first half of the session: an answer that stops early.</summary>
    public HashSet<DateOnly> TruncatedDays { get; set; } = [];

    /// <summary>Stretches of time history leaves out for every symbol: a day with a hole in the middle (or at either end).</summary>
    public List<(DateTimeOffset From, DateTimeOffset To)> MissingWindows { get; set; } = [];

    /// <summary>
    /// What marketStatus reports for every segment instead of the synthetic session's state, e.g.
    /// "CLOSED" on a day the calendar calls a trading day: an unscheduled closure or a halt.
    /// </summary>
    public string? MarketStatusOverride { get; set; }

    public void Force429(int count) => Interlocked.Exchange(ref force429, count);

    public void MalformedJson(int count) => Interlocked.Exchange(ref malformed, count);

    public void ServerErrors(int count) => Interlocked.Exchange(ref serverErrors, count);

    /// <summary>After this many more FYERS calls, every token issued so far is revoked: a token that dies mid-run.</summary>
    public void RevokeTokensAfter(int requests) => Interlocked.Exchange(ref revokeAfter, requests);

    public void Reset()
    {
        lock (gate)
        {
            Latency = TimeSpan.Zero;
            ServerErrorRate = 0;
            EmptyHistory = false;
            MissingDays = [];
            TruncatedDays = [];
            MissingWindows = [];
            MarketStatusOverride = null;
            force429 = 0;
            revokeAfter = -1;
            malformed = 0;
            serverErrors = 0;
            random = new Random(20260401);
        }
    }

    internal bool TakeForced429() => TakeOne(ref force429);

    /// <summary>True exactly once, on the call after the configured count.</summary>
    internal bool TakeRevokeTrigger()
    {
        while (true)
        {
            var current = Volatile.Read(ref revokeAfter);
            if (current < 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref revokeAfter, current - 1, current) == current)
            {
                return current == 0;
            }
        }
    }

    internal bool TakeMalformed() => TakeOne(ref malformed);

    internal bool TakeServerError()
    {
        if (TakeOne(ref serverErrors))
        {
            return true;
        }

        lock (gate)
        {
            return ServerErrorRate > 0 && random.NextDouble() < ServerErrorRate;
        }
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
