using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// S3's object calls with its conditional writes, for the writer lease: path-style PUT, GET and
/// DELETE of /{bucket}/{key}, ETags, and If-None-Match: * / If-Match enforced atomically with 412
/// PreconditionFailed, as S3 has done since 2024. s3rver (used for the lake itself) ignores these
/// headers, so it cannot show that two writers racing for the lease get one success.
/// </summary>
internal sealed class S3ConditionalFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, (byte[] Body, string ETag)> objects = new(StringComparer.Ordinal);

    private S3ConditionalFake(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int PreconditionFailures { get; private set; }

    public static async Task<S3ConditionalFake> StartAsync()
    {
        S3ConditionalFake? fake = null;
        var (app, url) = await LoopbackServer.StartAsync(app => app.Map("/{bucket}/{**key}", (HttpContext context, string bucket, string key) => fake!.HandleAsync(context, $"{bucket}/{key}")));
        fake = new S3ConditionalFake(app, url);
        return fake;
    }

    public byte[]? Get(string bucketAndKey) => objects.TryGetValue(bucketAndKey, out var o) ? o.Body : null;

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task HandleAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var ifMatch = request.Headers.IfMatch.ToString();
        switch (request.Method)
        {
            case "PUT":
                using (var memory = new MemoryStream())
                {
                    await request.Body.CopyToAsync(memory);
                    string etag;
                    lock (gate)
                    {
                        var exists = objects.TryGetValue(path, out var current);
                        if ((ifNoneMatch == "*" && exists) || (ifMatch.Length > 0 && (!exists || current.ETag != ifMatch)))
                        {
                            PreconditionFailures++;
                            etag = string.Empty;
                        }
                        else
                        {
                            // As S3 for a single-part PUT: the body's MD5 (the SDK checks it against what it sent).
                            etag = $"\"{Convert.ToHexStringLower(MD5.HashData(memory.ToArray()))}\"";
                            objects[path] = (memory.ToArray(), etag);
                        }
                    }

                    if (etag.Length == 0)
                    {
                        await ErrorAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                        return;
                    }

                    context.Response.Headers.ETag = etag;
                    return;
                }

            case "GET" or "HEAD":
                if (!objects.TryGetValue(path, out var found))
                {
                    await ErrorAsync(context, 404, "NoSuchKey", "The specified key does not exist.");
                    return;
                }

                context.Response.Headers.ETag = found.ETag;
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = found.Body.Length;
                context.Response.Headers.LastModified = "Thu, 03 Dec 2026 10:00:00 GMT";
                if (request.Method == "GET")
                {
                    await context.Response.Body.WriteAsync(found.Body);
                }

                return;

            case "DELETE":
                lock (gate)
                {
                    if (ifMatch.Length > 0 && (!objects.TryGetValue(path, out var current) || current.ETag != ifMatch))
                    {
                        PreconditionFailures++;
                        context.Response.StatusCode = 412;
                    }
                    else
                    {
                        objects.TryRemove(path, out _);
                        context.Response.StatusCode = 204;
                    }
                }

                if (context.Response.StatusCode == 412)
                {
                    await ErrorAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                }

                return;

            default:
                context.Response.StatusCode = 405;
                return;
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        return context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fake</RequestId></Error>");
    }
}
