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

    /// <summary>Added to every answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share (0..1) of requests answered 500, drawn from a seeded generator so runs repeat.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>History answers "ok" with no candles, like FYERS' silent empty history (peers §5.5 item 24).</summary>
    public bool EmptyHistory { get; set; }

    public void Force429(int count) => Interlocked.Exchange(ref force429, count);

    public void MalformedJson(int count) => Interlocked.Exchange(ref malformed, count);

    public void ServerErrors(int count) => Interlocked.Exchange(ref serverErrors, count);

    public void Reset()
    {
        lock (gate)
        {
            Latency = TimeSpan.Zero;
            ServerErrorRate = 0;
            EmptyHistory = false;
            force429 = 0;
            malformed = 0;
            serverErrors = 0;
            random = new Random(20260401);
        }
    }

    internal bool TakeForced429() => TakeOne(ref force429);

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
