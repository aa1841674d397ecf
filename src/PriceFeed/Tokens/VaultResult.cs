namespace PriceFeed.Tokens;

/// <summary>The outcome of a vault operation: ok, or a refusal with a message a person can act on.</summary>
public sealed record VaultResult(bool Ok, string? Error, int StatusCode)
{
    public static VaultResult Success { get; } = new(true, null, 200);

    public static VaultResult Fail(int statusCode, string error) => new(false, error, statusCode);
}
