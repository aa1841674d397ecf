using System.Text.RegularExpressions;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Options;

namespace PriceFeed.Ingestion;

/// <summary>
/// The symbols a run fetches. Ingestion:Symbols (or the built-in list) by default; on AWS, when
/// Ingestion:WatchlistParameter names an SSM parameter, its value, read at each run (cached for a
/// minute), so changing the watchlist needs no deploy:
/// <c>aws ssm put-parameter --name /stock-pipeline/config/watchlist --value "NSE:SBIN-EQ,NSE:TCS-EQ" --overwrite</c>.
/// "default" (what Terraform writes when no watchlist is given) means the configured list.
/// On a laptop, <c>pricefeed watchlist add|remove</c> keeps it in the data folder as watchlist.txt (one
/// symbol a line), which then wins over the setting.
/// </summary>
internal sealed partial class WatchlistSource(IOptions<IngestionOptions> options, Home.DataFolder home, IServiceProvider services, TimeProvider time, ILogger<WatchlistSource> logger)
{
    public const string FileName = "watchlist.txt";

    /// <summary>Where the watchlist is kept and changed: the SSM parameter, or the local file.</summary>
    public string Location => string.IsNullOrWhiteSpace(options.Value.WatchlistParameter)
        ? home.Combine(FileName)
        : $"SSM parameter {options.Value.WatchlistParameter}";

    /// <summary>Stores a new watchlist where the jobs read it; the next run uses it.</summary>
    public async Task SaveAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        var value = string.Join(",", symbols);
        if (string.IsNullOrWhiteSpace(options.Value.WatchlistParameter))
        {
            var path = Location;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            // An emptied list says so ("default"): a blank file is a mistake the runs refuse (issue 19).
            await File.WriteAllTextAsync(temp, (symbols.Count == 0 ? "default" : string.Join('\n', symbols)) + "\n", cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        else
        {
            var ssm = services.GetService<IAmazonSimpleSystemsManagement>()
                ?? throw new InvalidOperationException($"Ingestion:WatchlistParameter ({options.Value.WatchlistParameter}) needs Tokens:Store=ssm, which gives PriceFeed its SSM client.");
            await ssm.PutParameterAsync(new PutParameterRequest { Name = options.Value.WatchlistParameter, Value = value.Length == 0 ? "default" : value, Type = ParameterType.String, Overwrite = true }, cancellationToken);
        }

        cached = null;
    }

    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (IReadOnlyList<string> Symbols, DateTimeOffset Until)? cached;

    /// <summary>The watchlist, or an exception whose message says what to fix (a run then fails before any FYERS call).</summary>
    public async Task<IReadOnlyList<string>> GetAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.WatchlistParameter;
        if (string.IsNullOrWhiteSpace(name))
        {
            var path = Location;
            if (!File.Exists(path))
            {
                return options.Value.Watchlist;
            }

            var text = await File.ReadAllTextAsync(path, cancellationToken);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new FormatException($"The watchlist {path} is empty: add symbols (pricefeed watchlist add SBIN), write 'default' in it for the built-in list, or delete it. Nothing was fetched.");
            }

            return Parse(text, path) ?? options.Value.Watchlist;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } hit && hit.Until > time.GetUtcNow())
            {
                return hit.Symbols;
            }

            var ssm = services.GetService<IAmazonSimpleSystemsManagement>()
                ?? throw new InvalidOperationException($"Ingestion:WatchlistParameter ({name}) needs Tokens:Store=ssm, which gives PriceFeed its SSM client.");
            string? value;
            try
            {
                value = (await ssm.GetParameterAsync(new GetParameterRequest { Name = name }, cancellationToken)).Parameter?.Value;
            }
            catch (ParameterNotFoundException)
            {
                Log.WatchlistParameterMissing(logger, name);
                value = null;
            }

            var symbols = Parse(value, name) ?? options.Value.Watchlist;
            cached = (symbols, time.GetUtcNow() + CacheFor);
            return symbols;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Comma-, space- or line-separated FYERS symbols; null for "use the configured list".</summary>
    internal static IReadOnlyList<string>? Parse(string? value, string source)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() is "default" or "placeholder")
        {
            return null;
        }

        var symbols = value.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var bad = symbols.Where(s => !SymbolPattern().IsMatch(s)).ToList();
        return bad.Count == 0
            ? symbols
            : throw new FormatException($"The watchlist in {source} has entries that are not FYERS symbols: {string.Join(", ", bad.Take(5).Select(b => $"'{b}'"))}. Write them like NSE:SBIN-EQ or NSE:NIFTY50-INDEX, separated by commas. Nothing was fetched.");
    }

    [GeneratedRegex(@"^[A-Z]{2,6}:[A-Za-z0-9&_.\-]{1,40}$")]
    private static partial Regex SymbolPattern();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The watchlist parameter {Name} does not exist; using the configured watchlist.")]
        public static partial void WatchlistParameterMissing(ILogger logger, string name);
    }
}
