using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PriceFeed.Ingestion;

/// <summary>The request EventBridge Scheduler sends through the Lambda Web Adapter: {"job":"intraday"}.</summary>
public sealed record EventRequest([property: JsonPropertyName("job")] string? Job);

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
        routes.MapPost("/events", RunAsync).WithName("RunJob").WithSummary("Runs one ingestion job (intraday, eod, quotes, token-check).");

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

    /// <summary>The job name of a live-stream shift (issue 22): not an ingestion run, it holds the socket for the invocation.</summary>
    public const string StreamShiftJob = "stream-shift";

    /// <summary>
    /// A stream shift until the invocation's deadline (read as the other jobs read it; without one, the
    /// shift's own length), answered 500 only when it should have streamed and never did.
    /// </summary>
    private static async Task<JsonHttpResult<Live.ShiftReport>> RunShiftAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var shift = services.GetRequiredService<Live.StreamShift>();
        var market = services.GetRequiredService<Live.LiveClock>().Time;
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Live.StreamShiftOptions>>().Value;
        var left = LambdaDeadline(context) is { } deadline ? deadline - TimeProvider.System.GetUtcNow() : options.LengthWithoutDeadline;
        var report = await shift.RunAsync(market.GetUtcNow() + left, context.RequestAborted);
        return TypedResults.Json(report, Live.ShiftJsonContext.Default.ShiftReport, statusCode: report.IsFailure ? 500 : 200);
    }

    public static async Task<Results<Ok<RunReport>, JsonHttpResult<RunReport>, JsonHttpResult<Live.ShiftReport>, ProblemHttpResult>> RunAsync(EventRequest request, IngestionRunner runner, HttpContext context)
    {
        if (request.Job == StreamShiftJob)
        {
            return await RunShiftAsync(context);
        }

        // The job arrives as a string (an unknown one is a 400 naming the jobs, not a JSON error).
        if (!RunNames.TryParseScheduled(request.Job, out var job))
        {
            return TypedResults.Problem($"Unknown job '{request.Job}'. Send {{\"job\":\"intraday\"}} with one of: {string.Join(", ", RunNames.ScheduledNames.Append(StreamShiftJob))}.", statusCode: 400);
        }

        using var deadline = InvocationDeadline(context);
        var report = await runner.RunAsync(job, deadline?.Token ?? CancellationToken.None, context.RequestAborted);

        // The runner has shared the run (RunHistory) before returning: Lambda freezes the function once the response is out.
        return report.IsFailure ? TypedResults.Json(report, IngestionJsonContext.Default.RunReport, statusCode: 500) : TypedResults.Ok(report);
    }
}
