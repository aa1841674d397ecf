using System.ComponentModel.DataAnnotations;

namespace PriceFeed.Tokens;

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

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "pricefeed")
            : Path.GetFullPath(DataDirectory);
}
