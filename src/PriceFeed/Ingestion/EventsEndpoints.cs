using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PriceFeed.Ingestion;

/// <summary>The request EventBridge Scheduler sends through the Lambda Web Adapter: {"job":"intraday"}.</summary>
public sealed record EventRequest([property: JsonPropertyName("job")] string? Job);

/// <summary>
/// POST /events: one job per invocation, answered 5xx when it failed so the adapter (with
/// AWS_LWA_ERROR_STATUS_CODES) turns it into a Lambda error and the alarm fires. Mapped only where
/// Events:Enabled is true (the ingestion function), never on the public token page.
/// </summary>
internal static class EventsEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/events", RunAsync).WithName("RunJob").WithSummary("Runs one ingestion job (intraday, eod, quotes, token-check).");

    public static async Task<Results<Ok<RunReport>, JsonHttpResult<RunReport>, ProblemHttpResult>> RunAsync(EventRequest request, IngestionRunner runner, HttpContext context)
    {
        if (request.Job is not { } job || !IngestionRunner.Jobs.Contains(job))
        {
            return TypedResults.Problem($"Unknown job '{request.Job}'. Send {{\"job\":\"intraday\"}} with one of: {string.Join(", ", IngestionRunner.Jobs)}.", statusCode: 400);
        }

        var report = await runner.RunAsync(job, context.RequestAborted);
        return report.IsFailure ? TypedResults.Json(report, PriceFeed.Hosting.AppJsonContext.Default.RunReport, statusCode: 500) : TypedResults.Ok(report);
    }
}
