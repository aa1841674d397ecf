namespace PriceFeed.Tokens;

/// <summary>
/// A parameter store under /{project}/fyers/: the local encrypted file here, SSM Parameter Store on AWS.
/// Names are the leaves (see <see cref="TokenParameters"/>).
/// </summary>
public interface ITokenStore
{
    /// <summary>The values that exist among <paramref name="names"/>; missing names are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, string>> GetAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    /// <summary>Writes the values; a value equal to the stored one is not rewritten. Returns the names that changed.</summary>
    Task<IReadOnlyCollection<string>> PutAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken);

    /// <summary>Removes the names that exist.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);
}
