namespace PriceFeed.Lake;

/// <summary>
/// The last run of each job as one small JSON file beside the data (<c>_state/runs/{job}.json</c>):
/// written whole (the sink replaces a file atomically), one file per job, so writing needs no writer
/// lock and a reader never sees half a run. What a run is, is the caller's (bytes in, bytes out).
/// </summary>
public sealed class RunFiles(IDataSink sink)
{
    public Task WriteAsync(string job, ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        sink.WriteAsync(LakeKeys.Run(job), json, cancellationToken);

    /// <summary>Every job's file, in key order.</summary>
    public async Task<IReadOnlyList<byte[]>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var files = new List<byte[]>();
        foreach (var key in await sink.ListAsync(LakeKeys.Runs, cancellationToken))
        {
            if (key.EndsWith(".json", StringComparison.Ordinal) && await sink.ReadAsync(key, cancellationToken) is { } bytes)
            {
                files.Add(bytes);
            }
        }

        return files;
    }
}
