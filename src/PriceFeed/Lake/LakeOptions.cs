namespace PriceFeed.Lake;

/// <summary>Bound from "Lake". The local folder is the default; "s3" writes to a bucket (AWS or an S3-compatible emulator).</summary>
public sealed class LakeOptions
{
    public const string SectionName = "Lake";

    /// <summary>"local" or "s3".</summary>
    public string Sink { get; set; } = "local";

    public string? Bucket { get; set; }

    /// <summary>Key prefix inside the bucket, e.g. "lake/".</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>An S3-compatible endpoint (emulator); null means AWS in the configured region.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Send checksums only when S3 requires them and never chunk-encode uploads. Needed for emulators
    /// such as s3rver, which store aws-chunked framing as the object body (AWS reference §7.2);
    /// production keeps the SDK's default integrity checks unless this is set.
    /// </summary>
    public bool ChecksumsWhenRequired { get; set; }
}
