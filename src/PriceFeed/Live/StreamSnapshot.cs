using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Live;

/// <summary>
/// The live stream's state at a moment, as the page, <c>/api/status</c> and <c>pricefeed status</c>
/// show it. The stream writes it to <c>{data}/live/status.json</c> every second, so another process
/// (the CLI) sees the stream that <c>serve</c> or <c>pricefeed stream</c> runs.
/// </summary>
public sealed record StreamSnapshot(
    string State,
    int Symbols,
    long Ticks,
    long TicksInLastMinute,
    DateTimeOffset? LastTickAt,
    long BarsWritten,
    int Reconnects,
    bool Replayed,
    DateOnly? SessionDate,
    string? Detail,
    DateTimeOffset TakenAt)
{
    /// <summary>How old a status file may be before its stream counts as gone (it is rewritten every second).</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(30);

    public static string PathIn(Home.DataFolder home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return home.Combine("live", "status.json");
    }

    /// <summary>Written whole (a temporary file moved over the old one), so a reader never sees half.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(this, StreamJsonContext.Default.StreamSnapshot), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The last snapshot a stream wrote, or null when none did (or the file is not one).</summary>
    public static async Task<StreamSnapshot?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), StreamJsonContext.Default.StreamSnapshot);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StreamSnapshot))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
