using System.Text.Json;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// The last run of each job as one small JSON file beside the lake (<c>_state/runs/{job}.json</c>,
/// the laptop home; an S3 lake works the same way). Whoever runs a job, the CLI, <c>serve</c>'s
/// scheduler or a second terminal, writes it; the page, /api/status and <c>pricefeed status</c> read
/// it. Each file is replaced whole (the sink writes to a temporary file and renames), so a reader
/// never sees half a run, and writing it needs no writer lock: one file per job, last one wins.
/// </summary>
internal sealed class LakeRunLog(IDataSink sink) : IRunLog
{
    public async Task PublishAsync(RunSummary run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await sink.WriteAsync(LakeKeys.Run(run.Job.Text()), JsonSerializer.SerializeToUtf8Bytes(run, IngestionJsonContext.Default.RunSummary), cancellationToken);
    }

    public async Task<IReadOnlyList<RunSummary>> ReadAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RunSummary>();
        foreach (var key in await sink.ListAsync(LakeKeys.Runs, cancellationToken))
        {
            if (!key.EndsWith(".json", StringComparison.Ordinal) || await sink.ReadAsync(key, cancellationToken) is not { } bytes)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(bytes, IngestionJsonContext.Default.RunSummary) is { } run)
                {
                    runs.Add(run);
                }
            }
            catch (JsonException)
            {
                // A file cut short by a full disk or edited by hand: not a run; the others still show.
            }
        }

        return runs;
    }
}
