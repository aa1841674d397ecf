namespace PriceFeed.Lake;

/// <summary>Where the lake lives: a local folder (the laptop) or an S3 bucket (AWS, or an S3-compatible emulator).</summary>
public enum LakeSinkKind
{
    Local,
    S3,
}

/// <summary>Bound from "Lake". The local folder is the default; "s3" writes to a bucket.</summary>
public sealed class LakeOptions
{
    public const string SectionName = "Lake";

    /// <summary>"local" or "s3" in configuration.</summary>
    public LakeSinkKind Sink { get; set; } = LakeSinkKind.Local;

    public string? Bucket { get; set; }

    /// <summary>Key prefix inside the bucket, e.g. "lake/".</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>An S3-compatible endpoint (emulator); null means AWS in the configured region.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Send checksums only when S3 requires them and never chunk-encode uploads. Needed for emulators
    /// such as s3rver, which store aws-chunked framing as the object body (docs/deploy-aws.md A5);
    /// production keeps the SDK's default integrity checks unless this is set.
    /// </summary>
    public bool ChecksumsWhenRequired { get; set; }

    /// <summary>How long a run waits for another run writing the same lake before it stops, saying who holds it.</summary>
    public TimeSpan WriterWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an S3 writer lease lasts unrenewed: a run killed with its function frees the lake after this.</summary>
    public TimeSpan WriterLease { get; set; } = TimeSpan.FromMinutes(6);
}
