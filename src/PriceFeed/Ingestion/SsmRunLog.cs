using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace PriceFeed.Ingestion;

/// <summary>
/// The last run of each job as SSM String parameters /{project}/status/run-{job} (AWS home): the
/// ingestion function writes one per run, the token page reads them, so the page's feed card shows
/// runs from the other function. Reads are cached for 30 s; SSM's free Standard tier suffices.
/// </summary>
internal sealed class SsmRunLog(IAmazonSimpleSystemsManagement ssm, string project, TimeProvider time) : IRunLog
{
    private static readonly Job[] Jobs = Enum.GetValues<Job>();
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    // One reference, swapped whole: concurrent status requests never see half of an update.
    private volatile Cached? cached;

    public static string Name(string project, Job job) => $"/{project}/status/run-{job.Text()}";

    public async Task PublishAsync(RunSummary run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await ssm.PutParameterAsync(
            new PutParameterRequest
            {
                Name = Name(project, run.Job),
                Value = JsonSerializer.Serialize(run, IngestionJsonContext.Default.RunSummary),
                Type = ParameterType.String,
                Overwrite = true,
            },
            cancellationToken);
        cached = null;
    }

    public async Task<IReadOnlyList<RunSummary>> ReadAsync(CancellationToken cancellationToken)
    {
        if (cached is { } hit && hit.Until > time.GetUtcNow())
        {
            return hit.Runs;
        }

        var response = await ssm.GetParametersAsync(new GetParametersRequest { Names = [.. Jobs.Select(j => Name(project, j))] }, cancellationToken);
        var runs = new List<RunSummary>();
        foreach (var parameter in response.Parameters ?? [])
        {
            try
            {
                if (JsonSerializer.Deserialize(parameter.Value, IngestionJsonContext.Default.RunSummary) is { } run)
                {
                    runs.Add(run);
                }
            }
            catch (JsonException)
            {
                // A value someone edited by hand: not a run; the page shows the others.
            }
        }

        cached = new Cached(runs, time.GetUtcNow() + CacheFor);
        return runs;
    }

    private sealed record Cached(IReadOnlyList<RunSummary> Runs, DateTimeOffset Until);
}
