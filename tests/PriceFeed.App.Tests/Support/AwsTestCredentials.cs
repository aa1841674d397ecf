using System.Runtime.CompilerServices;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// The AWS SDK reads credentials from the process environment, which every test in this assembly
/// shares while classes run in parallel. Set once, before any test, to what s3rver accepts
/// (S3RVER/S3RVER; the SSM fake accepts any signature), so no test can change them under another.
/// </summary>
internal static class AwsTestCredentials
{
    public const string KeyId = "S3RVER";
    public const string Secret = "S3RVER";

    [ModuleInitializer]
    internal static void Set()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", KeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Secret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
    }
}
