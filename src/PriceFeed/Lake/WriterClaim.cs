using System.Text.Json;

namespace PriceFeed.Lake;

/// <summary>Who holds a lake's writer lock, and until when a holder that vanished is trusted (S3 leases).</summary>
public sealed record WriterClaim(string Job, string Host, int Pid, DateTimeOffset Since, DateTimeOffset Until)
{
    public static WriterClaim ForThisProcess(string job, DateTimeOffset now, TimeSpan lease) =>
        new(job, Environment.MachineName, Environment.ProcessId, now, now + lease);

    /// <summary>"backfill on laptop (pid 4120) since 10:02 IST on Thu 3 Dec 2026".</summary>
    public string Describe() => $"{Job} on {Host} (pid {Pid}) since {PriceFeed.Fyers.Data.MarketTime.Format(Since)}";

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, LakeJsonContext.Default.WriterClaim);

    /// <summary>The claim in a lock object, or null when it cannot be read (then it is treated as held).</summary>
    public static WriterClaim? TryRead(byte[]? bytes)
    {
        try
        {
            return bytes is { Length: > 0 } ? JsonSerializer.Deserialize(bytes, LakeJsonContext.Default.WriterClaim) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
