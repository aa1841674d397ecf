namespace PriceFeed.Home;

/// <summary>
/// The one folder of a laptop install: the encrypted token file and its keys, the watchlist, the
/// symbol-master cache and, unless <c>Ingestion:LakeDirectory</c> names another, the lake. Set by
/// <c>Tokens:DataDirectory</c> (its name from the time the token file was all it held); by default
/// the user's local application data folder. Registered once, so the features that keep files
/// there ask this type, not the token store's settings.
/// </summary>
public sealed record DataFolder(string Path)
{
    public static DataFolder Resolve(string? configured) =>
        new(string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "pricefeed")
            : System.IO.Path.GetFullPath(configured));

    /// <summary>A file or folder inside it.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
