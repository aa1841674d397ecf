using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PriceFeed.Ingestion;

/// <summary>The request EventBridge Scheduler sends through the Lambda Web Adapter: {"job":"intraday"}.</summary>
public sealed record EventRequest([property: JsonPropertyName("job")] string? Job);

/// <summary>
/// A job <c>/events</c> runs beside the ingestion jobs, registered by the folder that owns it (the live
/// stream's shift, issue 22), so this folder needs to know nothing of it.
/// </summary>
public interface IEventJob
{
    /// <summary>The job's name in the event: {"job":"stream-shift"}.</summary>
    string Name { get; }

    /// <summary>Runs it until <paramref name="deadline"/> (the invocation's, on the system clock; null without one).</summary>
    Task<IResult> RunAsync(DateTimeOffset? deadline, CancellationToken aborted);
}

/// <summary>The part of the adapter's x-amzn-lambda-context header we use: the deadline, ms since the epoch.</summary>
public sealed record LambdaContext([property: JsonPropertyName("deadline")] long Deadline);

/// <summary>
/// POST /events: one job per invocation, answered 5xx when it failed so the adapter (with
/// AWS_LWA_ERROR_STATUS_CODES) turns it into a Lambda error and the alarm fires. Mapped only where
/// Events:Enabled is true (the ingestion function), never on the public token page.
/// </summary>
internal static class EventsEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/events", RunAsync).WithName("RunJob").WithSummary("Runs one ingestion job (intraday, eod, quotes, token-check), or another registered job (stream-shift).")
            .Produces<RunReport>().Produces<RunReport>(500).ProducesProblem(400);

    /// <summary>Time kept back from the deadline to write the report and the metrics line.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Cancels at the Lambda invocation's deadline less <see cref="DeadlineMargin"/>, read from the
    /// x-amzn-lambda-context header the Lambda Web Adapter sets (and overwrites if a client sent one).
    /// The deadline is wall-clock time, so it is compared with the system clock, not the app's.
    /// </summary>
    private static CancellationTokenSource? InvocationDeadline(HttpContext context)
    {
        if (LambdaDeadline(context) is not { } deadline)
        {
            return null;
        }

        var left = deadline - TimeProvider.System.GetUtcNow() - DeadlineMargin;
        return new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, TimeProvider.System);
    }

    /// <summary>The invocation's deadline from the adapter's x-amzn-lambda-context header, or null without one.</summary>
    private static DateTimeOffset? LambdaDeadline(HttpContext context)
    {
        if (context.Request.Headers["x-amzn-lambda-context"].ToString() is not { Length: > 0 } header)
        {
            return null;
        }

        LambdaContext? lambda;
        try
        {
            lambda = System.Text.Json.JsonSerializer.Deserialize(header, IngestionJsonContext.Default.LambdaContext);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        return lambda is { Deadline: > 0 } ? DateTimeOffset.FromUnixTimeMilliseconds(lambda.Deadline) : null;
    }

    public static async Task<IResult> RunAsync(EventRequest request, IngestionRunner runner, IEnumerable<IEventJob> others, HttpContext context)
    {
        if (others.FirstOrDefault(j => j.Name == request.Job) is { } other)
        {
            return await other.RunAsync(LambdaDeadline(context), context.RequestAborted);
        }

        // The job arrives as a string (an unknown one is a 400 naming the jobs, not a JSON error).
        if (!RunNames.TryParseScheduled(request.Job, out var job))
        {
            return TypedResults.Problem($"Unknown job '{request.Job}'. Send {{\"job\":\"intraday\"}} with one of: {string.Join(", ", RunNames.ScheduledNames.Concat(others.Select(j => j.Name)))}.", statusCode: 400);
        }

        using var deadline = InvocationDeadline(context);
        var report = await runner.RunAsync(job, deadline?.Token ?? CancellationToken.None, context.RequestAborted);

        // The runner has shared the run (RunHistory) before returning: Lambda freezes the function once the response is out.
        return report.IsFailure ? TypedResults.Json(report, IngestionJsonContext.Default.RunReport, statusCode: 500) : TypedResults.Ok(report);
    }
}
