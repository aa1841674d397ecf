using System.Text.Json;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>
/// The last run of each job beside the lake (<see cref="RunFiles"/>, the laptop home; an S3 lake
/// works the same way). Whoever runs a job, the CLI, <c>serve</c>'s scheduler or a second terminal,
/// writes it; the page, /api/status and <c>pricefeed status</c> read it; last one wins.
/// </summary>
internal sealed class LakeRunLog(RunFiles files) : IRunLog
{
    public Task PublishAsync(RunSummary run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return files.WriteAsync(run.Job.Text(), JsonSerializer.SerializeToUtf8Bytes(run, IngestionJsonContext.Default.RunSummary), cancellationToken);
    }

    public async Task<IReadOnlyList<RunSummary>> ReadAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RunSummary>();
        foreach (var bytes in await files.ReadAllAsync(cancellationToken))
        {
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
