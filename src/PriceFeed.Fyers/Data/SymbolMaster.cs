using System.Text;
using System.Text.Json;

namespace PriceFeed.Fyers.Data;

/// <summary>One line of a FYERS symbol master: the ticker a request names, and what a person calls it.</summary>
/// <param name="InstrumentType">FYERS' exInstType: 0 EQ, 9 ETF, 10 INDEX, ... (fyers-protocol.md §15).</param>
public sealed record SymbolEntry(string Ticker, string Name, string ExchangeSymbol, int InstrumentType);

/// <summary>
/// A FYERS symbol master of one segment (NSE_CM, BSE_CM, ...), read from the JSON variant: an object
/// keyed by ticker whose values carry fields by name (fyers-protocol.md §15). Read by name, so fields
/// FYERS adds or reorders do not matter; only symTicker, symDetails, exSymbol and exInstType are kept.
/// Streamed with Utf8JsonReader: the NSE_CM file is megabytes and only four fields are needed.
/// </summary>
public sealed class SymbolMaster
{
    private readonly Dictionary<string, SymbolEntry> byTicker;

    private SymbolMaster(string segment, Dictionary<string, SymbolEntry> entries)
    {
        Segment = segment;
        byTicker = entries;
    }

    public string Segment { get; }

    public int Count => byTicker.Count;

    public bool Contains(string ticker) => byTicker.ContainsKey(ticker);

    public SymbolEntry? Get(string ticker) => byTicker.GetValueOrDefault(ticker);

    /// <summary>Reads a {segment}_sym_master.json; a body that is not one is a FormatException saying so.</summary>
    public static SymbolMaster Parse(ReadOnlySpan<byte> json, string segment)
    {
        var entries = new Dictionary<string, SymbolEntry>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"The FYERS symbol master {segment} is not a JSON object keyed by symbol.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                string? ticker = null, name = null, exSymbol = null;
                var type = -1;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.GetString();
                    reader.Read();
                    switch (field)
                    {
                        case "symTicker": ticker = Text(ref reader); break;
                        case "symDetails": name = Text(ref reader); break;
                        case "exSymbol": exSymbol = Text(ref reader); break;
                        case "exInstType": type = Number(ref reader); break;
                        default: reader.Skip(); break;
                    }
                }

                ticker ??= key;
                entries[ticker] = new SymbolEntry(ticker, name ?? string.Empty, exSymbol ?? Underlying(ticker), type);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"The FYERS symbol master {segment} is not valid JSON ({e.Message}).", e);
        }

        return new SymbolMaster(segment, entries);
    }

    /// <summary>
    /// What a person may mean by <paramref name="query"/>: a whole ticker ("NSE:SBIN-EQ"), an exchange
    /// symbol ("sbin"), or part of the company's name ("Reliance"). Exact symbols first (equities before
    /// other series), then names that start with the words, then names that contain them.
    /// </summary>
    public IReadOnlyList<SymbolEntry> Find(string query, int max = 10)
    {
        var q = (query ?? string.Empty).Trim();
        if (q.Length == 0)
        {
            return [];
        }

        if (byTicker.TryGetValue(q.ToUpperInvariant(), out var exact) || byTicker.TryGetValue(q, out exact))
        {
            return [exact];
        }

        var upper = q.ToUpperInvariant();
        var bySymbol = byTicker.Values.Where(e => string.Equals(e.ExchangeSymbol, upper, StringComparison.OrdinalIgnoreCase)).OrderBy(Rank).ThenBy(e => e.Ticker, StringComparer.Ordinal).ToList();
        if (bySymbol.Count > 0)
        {
            return bySymbol.Take(max).ToList();
        }

        return byTicker.Values
            .Where(e => e.Name.Contains(upper, StringComparison.OrdinalIgnoreCase))
            .OrderBy(e => e.Name.StartsWith(upper, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(Rank)
            .ThenBy(e => e.Name.Length)
            .ThenBy(e => e.Ticker, StringComparer.Ordinal)
            .Take(max)
            .ToList();
    }

    // Equities, then indices and ETFs, then other series (BE, SM, ...).
    private static int Rank(SymbolEntry e) => e.Ticker.EndsWith("-EQ", StringComparison.Ordinal) ? 0 : e.InstrumentType is 10 or 9 ? 1 : 2;

    private static string Underlying(string ticker)
    {
        var name = ticker[(ticker.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var dash = name.LastIndexOf('-');
        return dash > 0 ? name[..dash] : name;
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    private static int Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var n) => n,
        JsonTokenType.String when int.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => -1,
    };
}

/// <summary>Downloads FYERS' public symbol masters (no token; not counted against the API's rate limits).</summary>
public sealed class SymbolMasterClient(HttpClient http, Microsoft.Extensions.Options.IOptions<FyersOptions> options)
{
    public Uri AddressOf(string segment) => new(options.Value.SymbolMasterBaseUri, $"{segment}_sym_master.json");

    public async Task<byte[]> DownloadAsync(string segment, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(AddressOf(segment), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"FYERS' symbol master {segment} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }
}
