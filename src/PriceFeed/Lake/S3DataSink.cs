using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace PriceFeed.Lake;

/// <summary>The lake in S3. A PUT replaces an object atomically, so readers never see half a partition.</summary>
public sealed class S3DataSink(IAmazonS3 s3, LakeOptions options) : IDataSink
{
    private readonly string bucket = options.Bucket ?? throw new InvalidOperationException("Lake:Bucket is required when Lake:Sink is s3.");
    private readonly string prefix = options.Prefix;

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

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
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
}
