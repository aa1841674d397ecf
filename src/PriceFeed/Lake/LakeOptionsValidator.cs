using Microsoft.Extensions.Options;

namespace PriceFeed.Lake;

/// <summary>Checked at start-up: a bucket for the S3 sink, a prefix that ends in a slash.</summary>
internal sealed class LakeOptionsValidator : IValidateOptions<LakeOptions>
{
    public ValidateOptionsResult Validate(string? name, LakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Sink == LakeSinkKind.S3 && string.IsNullOrWhiteSpace(options.Bucket))
        {
            errors.Add("Lake:Sink is s3 but Lake:Bucket is empty: name the bucket (Terraform sets it on the ingestion function).");
        }

        if (options.Prefix.Length > 0 && !options.Prefix.EndsWith('/'))
        {
            errors.Add($"Lake:Prefix '{options.Prefix}' must end with '/' (for example lake/), or be empty.");
        }

        if (options.WriterWait < TimeSpan.Zero || options.WriterLease < TimeSpan.FromMinutes(1))
        {
            errors.Add("Lake:WriterWait must not be negative and Lake:WriterLease must be at least a minute (00:01:00).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
