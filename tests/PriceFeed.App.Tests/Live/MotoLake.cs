using PriceFeed.App.Tests.Infra.Aws;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Live;

/// <summary>
/// moto_server as the S3 lake of the stream-shift tests: unlike s3rver it enforces S3's conditional
/// writes (If-Match, If-None-Match: *), which the shifts' handover object relies on. IAM is not
/// enforced here (the IAM check, AwsStackRun, runs a shift as the ingestion role); each test takes
/// its own prefix.
/// </summary>
public sealed class MotoLake : IAsyncLifetime
{
    public const string Bucket = "pricefeed-shifts";

    private MotoServer? moto;

    public Uri Endpoint => moto!.Endpoint;

    public async ValueTask InitializeAsync()
    {
        moto = await MotoServer.StartAsync();
        using var s3 = Client();
        await s3.PutBucketAsync(new Amazon.S3.Model.PutBucketRequest { BucketName = Bucket, BucketRegion = Amazon.S3.S3Region.APSouth1 });
    }

    /// <summary>The settings that make an app's lake this bucket under <paramref name="prefix"/>.</summary>
    public string[] Settings(string prefix) =>
        ["--Lake:Sink=s3", $"--Lake:Bucket={Bucket}", $"--Lake:Prefix={prefix}/", $"--Lake:ServiceUrl={Endpoint}", "--Lake:Region=ap-south-1", "--Lake:ForcePathStyle=true", "--Lake:ChecksumsWhenRequired=true"];

    public Amazon.S3.AmazonS3Client Client() => new(
        new Amazon.Runtime.BasicAWSCredentials(AwsTestCredentials.KeyId, AwsTestCredentials.Secret),
        new Amazon.S3.AmazonS3Config
        {
            ServiceURL = Endpoint.AbsoluteUri,
            AuthenticationRegion = "ap-south-1",
            ForcePathStyle = true,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public async ValueTask DisposeAsync()
    {
        if (moto is not null)
        {
            await moto.DisposeAsync();
        }
    }
}
