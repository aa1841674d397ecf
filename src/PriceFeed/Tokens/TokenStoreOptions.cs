using System.ComponentModel.DataAnnotations;

namespace PriceFeed.Tokens;

/// <summary>The token store: the encrypted local file (the laptop) or SSM Parameter Store (AWS).</summary>
public enum TokenStoreKind
{
    Local,
    Ssm,
}

/// <summary>Where tokens live. Bound from the "Tokens" section.</summary>
public sealed class TokenStoreOptions
{
    public const string SectionName = "Tokens";

    /// <summary>The {project} in /{project}/fyers/access_token.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Tokens:Project may hold letters, digits, '_', '.' and '-' (at most 64).")]
    public string Project { get; set; } = "stock-pipeline";

    /// <summary>
    /// The local store's folder (encrypted token file and Data Protection keys). Defaults to the
    /// user's data folder, e.g. ~/.local/share/pricefeed, so the CLI and the server share it.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>"local" (the encrypted file) or "ssm" (AWS Systems Manager Parameter Store) in configuration.</summary>
    public TokenStoreKind Store { get; set; } = TokenStoreKind.Local;

    /// <summary>The AWS home: tokens, cookie keys, shared runs, the watchlist and the holidays live in SSM.</summary>
    public bool UsesSsm => Store == TokenStoreKind.Ssm;

    /// <summary>A customer-managed KMS key for the SecureString parameters; null uses aws/ssm.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>
    /// The only FYERS app this PriceFeed may be set up for (e.g. ABCD1234-100), pinned at deploy time
    /// (Terraform's owner_client_id); null allows any app with the setup code.
    /// </summary>
    public string? OwnerClientId { get; set; }

    /// <summary>The only FYERS user ID (e.g. XS00001) whose login may bind and feed this PriceFeed; null allows the first to log in with the setup code.</summary>
    public string? OwnerFyId { get; set; }

    /// <summary>An SSM-compatible endpoint (tests); null means AWS in the configured region.</summary>
    public Uri? SsmServiceUrl { get; set; }

    public string ResolveDataDirectory() => Home.DataFolder.Resolve(DataDirectory).Path;
}
