using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Options;

namespace PriceFeed.Tokens;

/// <summary>
/// The AWS home's parameter store: SecureString parameters under /{project}/fyers/, encrypted with
/// the account's aws/ssm key or a customer-managed one (Tokens:KmsKeyId). Reads are cached briefly
/// (SSM throughput is shared and low); an unchanged value is never rewritten, so a second save of the
/// same token creates no new version. "Deleting" writes the placeholder Terraform creates, so the
/// writer role needs only Get and Put.
/// </summary>
internal sealed class SsmTokenStore(IAmazonSimpleSystemsManagement ssm, IOptions<TokenStoreOptions> options, TimeProvider time) : ITokenStore
{
    /// <summary>The value Terraform creates the parameters with; read as "absent".</summary>
    public const string Placeholder = "placeholder";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    private readonly Dictionary<string, (string? Value, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, string>> GetAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var name in names)
            {
                if (cache.TryGetValue(name, out var hit) && hit.Until > now)
                {
                    if (hit.Value is not null)
                    {
                        result[name] = hit.Value;
                    }
                }
                else
                {
                    missing.Add(name);
                }
            }
        }

        // GetParameters takes at most 10 names; unknown ones come back in InvalidParameters, not as errors.
        foreach (var batch in missing.Chunk(10))
        {
            var response = await ssm.GetParametersAsync(new GetParametersRequest { Names = [.. batch.Select(FullName)], WithDecryption = true }, cancellationToken);
            var found = (response.Parameters ?? []).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
            lock (gate)
            {
                foreach (var name in batch)
                {
                    var value = found.TryGetValue(FullName(name), out var v) && v != Placeholder ? v : null;
                    cache[name] = (value, time.GetUtcNow() + CacheFor);
                    if (value is not null)
                    {
                        result[name] = value;
                    }
                }
            }
        }

        return result;
    }

    public async Task<IReadOnlyCollection<string>> PutAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (gate)
        {
            // Compare against what SSM holds now, not a cached value another instance may have replaced.
            foreach (var name in values.Keys)
            {
                cache.Remove(name);
            }
        }

        var current = await GetAsync([.. values.Keys], cancellationToken);
        var changed = new List<string>();
        foreach (var (name, value) in values)
        {
            if (current.TryGetValue(name, out var old) && old == value)
            {
                continue;
            }

            await WriteAsync(name, value, cancellationToken);
            changed.Add(name);
        }

        return changed;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var current = await GetAsync(names, cancellationToken);
        foreach (var name in names.Where(current.ContainsKey))
        {
            await WriteAsync(name, Placeholder, cancellationToken);
        }
    }

    private async Task WriteAsync(string name, string value, CancellationToken cancellationToken)
    {
        await ssm.PutParameterAsync(
            new PutParameterRequest
            {
                Name = FullName(name),
                Value = value,
                Type = ParameterType.SecureString,
                KeyId = options.Value.KmsKeyId,
                Overwrite = true,
            },
            cancellationToken);
        lock (gate)
        {
            cache[name] = (value == Placeholder ? null : value, time.GetUtcNow() + CacheFor);
        }
    }

    private string FullName(string name) => TokenParameters.FullName(options.Value.Project, name);
}
