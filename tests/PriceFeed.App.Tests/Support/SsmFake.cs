using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// A stateful SSM Parameter Store speaking the real wire format (docs/deploy-aws.md A6): POST / with
/// X-Amz-Target, x-amz-json-1.1 bodies, versions, ParameterAlreadyExists without Overwrite,
/// InvalidParameters for unknown names, and ThrottlingException on demand. No SSM emulator exists.
/// </summary>
internal sealed class SsmFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private int throttle;

    private SsmFake(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentDictionary<string, Parameter> Parameters { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public void ThrottleNext(int count) => Interlocked.Exchange(ref throttle, count);

    public static async Task<SsmFake> StartAsync()
    {
        SsmFake? fake = null;
        var (app, url) = await LoopbackServer.StartAsync(app => app.MapPost("/", (HttpContext context) => fake!.HandleAsync(context)));
        fake = new SsmFake(app, url);
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        Calls.Enqueue(target);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var request = body.RootElement;
        if (Interlocked.Decrement(ref throttle) >= 0)
        {
            await ErrorAsync(context, "ThrottlingException", "Rate exceeded");
            return;
        }

        switch (target)
        {
            case "AmazonSSM.PutParameter":
                await PutAsync(context, request);
                break;
            case "AmazonSSM.GetParameters":
                var names = request.GetProperty("Names").EnumerateArray().Select(n => n.GetString()!).ToList();
                var decrypt = request.TryGetProperty("WithDecryption", out var d) && d.GetBoolean();
                await JsonAsync(context, new Dictionary<string, object>
                {
                    ["Parameters"] = names.Where(Parameters.ContainsKey).Select(n => Describe(Parameters[n], decrypt)).ToList(),
                    ["InvalidParameters"] = names.Where(n => !Parameters.ContainsKey(n)).ToList(),
                });
                break;
            case "AmazonSSM.GetParameter":
                var requested = request.GetProperty("Name").GetString()!;
                var withDecryption = request.TryGetProperty("WithDecryption", out var wd) && wd.GetBoolean();
                if (Parameters.TryGetValue(requested, out var found))
                {
                    await JsonAsync(context, new Dictionary<string, object> { ["Parameter"] = Describe(found, withDecryption) });
                }
                else
                {
                    await ErrorAsync(context, "ParameterNotFound", string.Empty);
                }

                break;
            case "AmazonSSM.GetParametersByPath":
                await ByPathAsync(context, request);
                break;
            default:
                await ErrorAsync(context, "InvalidAction", $"{target} is not implemented by the fake");
                break;
        }
    }

    private async Task PutAsync(HttpContext context, JsonElement request)
    {
        var name = request.GetProperty("Name").GetString()!;
        var value = request.GetProperty("Value").GetString()!;
        var overwrite = request.TryGetProperty("Overwrite", out var o) && o.GetBoolean();
        if (value.Length > 4096)
        {
            await ErrorAsync(context, "ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters.");
            return;
        }

        if (Parameters.TryGetValue(name, out var existing) && !overwrite)
        {
            await ErrorAsync(context, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
            return;
        }

        var parameter = new Parameter(name, value, request.GetProperty("Type").GetString()!, request.TryGetProperty("KeyId", out var k) ? k.GetString() : null, (existing?.Version ?? 0) + 1);
        Parameters[name] = parameter;
        await JsonAsync(context, new Dictionary<string, object> { ["Version"] = parameter.Version, ["Tier"] = "Standard" });
    }

    /// <summary>Sorted by name, at most MaxResults (≤ 10) per page, NextToken = the next name; Recursive as SSM defines it.</summary>
    private async Task ByPathAsync(HttpContext context, JsonElement request)
    {
        var path = request.GetProperty("Path").GetString()!.TrimEnd('/') + "/";
        var recursive = request.TryGetProperty("Recursive", out var r) && r.GetBoolean();
        var decrypt = request.TryGetProperty("WithDecryption", out var d) && d.GetBoolean();
        var max = request.TryGetProperty("MaxResults", out var m) ? m.GetInt32() : 10;
        if (max is < 1 or > 10)
        {
            await ErrorAsync(context, "ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10");
            return;
        }

        var after = request.TryGetProperty("NextToken", out var t) ? t.GetString() : null;
        var matching = Parameters.Keys
            .Where(n => n.StartsWith(path, StringComparison.Ordinal) && (recursive || !n[path.Length..].Contains('/', StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Where(n => after is null || string.CompareOrdinal(n, after) >= 0)
            .Take(max + 1)
            .ToList();
        var body = new Dictionary<string, object> { ["Parameters"] = matching.Take(max).Select(n => Describe(Parameters[n], decrypt)).ToList() };
        if (matching.Count > max)
        {
            body["NextToken"] = matching[max];
        }

        await JsonAsync(context, body);
    }

    private static Dictionary<string, object> Describe(Parameter p, bool decrypt) => new()
    {
        ["Name"] = p.Name,
        ["Type"] = p.Type,
        ["Value"] = decrypt || p.Type != "SecureString" ? p.Value : "AQICAHencrypted",
        ["Version"] = p.Version,
        ["ARN"] = $"arn:aws:ssm:ap-south-1:000000000000:parameter{p.Name}",
        ["DataType"] = "text",
        ["LastModifiedDate"] = 1764215400,
    };

    private static Task JsonAsync(HttpContext context, Dictionary<string, object> body)
    {
        context.Response.ContentType = "application/x-amz-json-1.1";
#pragma warning disable IL2026, IL3050 // test-only fake, not trimmed
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
#pragma warning restore IL2026, IL3050
    }

    private static Task ErrorAsync(HttpContext context, string type, string message)
    {
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/x-amz-json-1.1";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    internal sealed record Parameter(string Name, string Value, string Type, string? KeyId, int Version);
}
