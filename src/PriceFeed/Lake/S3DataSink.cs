using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace PriceFeed.Lake;

/// <summary>The lake in S3. A PUT replaces an object atomically, so readers never see half a partition.</summary>
public sealed partial class S3DataSink(IAmazonS3 s3, LakeOptions options, TimeProvider? time = null, ILogger<S3DataSink>? logger = null) : IDataSink
{
    private readonly string bucket = options.Bucket ?? throw new InvalidOperationException("Lake:Bucket is required when Lake:Sink is s3.");
    private readonly string prefix = options.Prefix;

    private IAmazonS3 Client => s3;

    public static IAmazonS3 CreateClient(LakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl.AbsoluteUri;
            config.AuthenticationRegion = options.Region ?? "ap-south-1";
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        if (options.ChecksumsWhenRequired)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new AmazonS3Client(config);
    }

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, prefix + key, cancellationToken);
            using var memory = new MemoryStream();
            await response.ResponseStream.CopyToAsync(memory, cancellationToken);
            return memory.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ReadToFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, prefix + key, cancellationToken);
            await using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await response.ResponseStream.CopyToAsync(to, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task WriteFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var body = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await PutAsync(key, body, cancellationToken);
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await PutAsync(key, body, cancellationToken);
    }

    private async Task PutAsync(string key, Stream body, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = bucket,
                Key = prefix + key,
                InputStream = body,
                ContentType = key.EndsWith(".parquet", StringComparison.Ordinal) ? "application/vnd.apache.parquet" : "application/octet-stream",
                UseChunkEncoding = !options.ChecksumsWhenRequired,
            },
            cancellationToken);
    }

    public async Task<(byte[] Bytes, string Version)?> ReadVersionAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, prefix + key, cancellationToken);
            using var memory = new MemoryStream();
            await response.ResponseStream.CopyToAsync(memory, cancellationToken);
            return (memory.ToArray(), response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> WriteIfAsync(string key, ReadOnlyMemory<byte> content, string? ifVersion, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        return await TryPutConditionalAsync(prefix + key, body, "application/json", ifVersion, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        s3.DeleteObjectAsync(bucket, prefix + key, cancellationToken);

    public async Task<IReadOnlyList<string>> ListAsync(string keyPrefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix + keyPrefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key[prefix.Length..]));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A lease object, _state/writer.lock, written only with S3's conditional writes: If-None-Match: *
    /// creates it when nobody holds the lake, If-Match on its ETag takes over a lease whose holder let
    /// it expire (a run killed with its function), renews it, and deletes it on release. Two writers
    /// racing for it get one success and one 412 from S3 itself.
    /// </summary>
    public async Task<(IAsyncDisposable? Lease, WriterClaim? Holder)> TryLockWriterAsync(WriterClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var key = prefix + LakeKeys.WriterLock;
        if (await TryPutLeaseAsync(key, claim, ifMatch: null, cancellationToken) is { } created)
        {
            return (new S3Lease(this, key, claim, created, time ?? TimeProvider.System, logger), null);
        }

        string etag;
        WriterClaim? holder;
        try
        {
            using var current = await s3.GetObjectAsync(bucket, key, cancellationToken);
            using var memory = new MemoryStream();
            await current.ResponseStream.CopyToAsync(memory, cancellationToken);
            (etag, holder) = (current.ETag, WriterClaim.TryRead(memory.ToArray()));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (null, null); // released between our two calls: the caller tries again
        }

        if (holder is not null && holder.Until > claim.Since)
        {
            return (null, holder);
        }

        // Expired (or unreadable): take it over, unless someone else does first.
        return await TryPutLeaseAsync(key, claim, etag, cancellationToken) is { } taken
            ? (new S3Lease(this, key, claim, taken, time ?? TimeProvider.System, logger), null)
            : (null, holder);
    }

    /// <summary>The new ETag, or null when S3 refused the condition (412, or 409 for a concurrent conditional write).</summary>
    private async Task<string?> TryPutLeaseAsync(string key, WriterClaim claim, string? ifMatch, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(claim.Serialize(), writable: false);
        return await TryPutConditionalAsync(key, body, "application/json", ifMatch, cancellationToken);
    }

    /// <summary>A PUT with If-None-Match: * (ifMatch null) or If-Match: the new ETag, or null when S3 refused the condition.</summary>
    private async Task<string?> TryPutConditionalAsync(string key, Stream body, string contentType, string? ifMatch, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            ContentType = contentType,
            UseChunkEncoding = !options.ChecksumsWhenRequired,
        };
        if (ifMatch is null)
        {
            request.IfNoneMatch = "*";
        }
        else
        {
            request.IfMatch = ifMatch;
        }

        try
        {
            return (await s3.PutObjectAsync(request, cancellationToken)).ETag;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.PreconditionFailed or System.Net.HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    /// <summary>A held lease: renewed at a third of its length while the run lasts, deleted (if still ours) at the end.</summary>
    private sealed class S3Lease : IAsyncDisposable
    {
        private readonly S3DataSink sink;
        private readonly string key;
        private readonly CancellationTokenSource stop = new();
        private readonly Task renewing;
        private readonly ILogger? logger;
        private string etag;

        public S3Lease(S3DataSink sink, string key, WriterClaim claim, string etag, TimeProvider time, ILogger? logger)
        {
            this.sink = sink;
            this.logger = logger;
            this.key = key;
            this.etag = etag;
            renewing = RenewAsync(claim, time);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewing;
            stop.Dispose();
            try
            {
                await sink.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = sink.bucket, Key = key, IfMatch = etag });
            }
            catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.PreconditionFailed or System.Net.HttpStatusCode.NotFound)
            {
                // Not ours any more (it expired and was taken over) or already gone: nothing to release.
            }
            catch (AmazonServiceException e)
            {
                // The run's work is stored; a lease left behind expires by itself (the next run waits
                // for it at most its length). A refused delete (403: the role lacks s3:DeleteObject on
                // the lock) must not turn a good run into a failed one (issue 18), but it is worth a line.
                if (logger is not null)
                {
                    Log.ReleaseRefused(logger, key, (int)e.StatusCode, e.ErrorCode ?? e.GetType().Name);
                }
            }
        }

        private async Task RenewAsync(WriterClaim claim, TimeProvider time)
        {
            var length = claim.Until - claim.Since;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(length / 3, time, stop.Token);
                    if (await sink.TryPutLeaseAsync(key, claim with { Until = time.GetUtcNow() + length }, etag, stop.Token) is not { } renewed)
                    {
                        return; // taken over: the release then leaves it alone
                    }

                    etag = renewed;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (AmazonS3Exception)
                {
                    // Retried on the next turn; the lease outlasts two failed renewals.
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Could not release the lake's writer lease {Key} (HTTP {Status}, {Code}); it expires by itself. Check the ingestion role allows s3:DeleteObject on it.")]
        public static partial void ReleaseRefused(ILogger logger, string key, int status, string code);
    }
}
