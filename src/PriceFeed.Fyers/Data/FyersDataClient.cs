using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Errors;
using PriceFeed.Fyers.Http;
using PriceFeed.Fyers.Json;

namespace PriceFeed.Fyers.Data;

/// <summary>Market data over REST: quotes, history, depth, market status (fyers-protocol.md §8-§11).</summary>
public sealed class FyersDataClient
{
    /// <summary>FYERS accepts at most 50 symbols per quotes call (fyers-protocol.md §8).</summary>
    public const int MaxQuoteSymbols = 50;

    private readonly FyersTransport transport;
    private readonly Uri baseUri;

    public FyersDataClient(HttpClient http, FyersRateLimiter limiter, IOptions<FyersOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        transport = new FyersTransport(http, limiter, options, time);
        baseUri = FyersAuthClient.WithTrailingSlash(options.Value.DataBaseUri);
    }

    /// <summary>Quotes for any number of symbols, in batches of 50; refused symbols are returned, not dropped.</summary>
    public async Task<QuotesResult> GetQuotesAsync(IEnumerable<string> symbols, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var unique = symbols.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var quotes = new List<Quote>(unique.Count);
        var errors = new List<QuoteError>();
        var synthetic = false;
        foreach (var batch in unique.Chunk(MaxQuoteSymbols))
        {
            var query = string.Join("%2C", batch.Select(Uri.EscapeDataString));
            var response = await transport.SendAsync(HttpMethod.Get, new Uri(baseUri, "quotes?symbols=" + query), credentials, null, "Fetching quotes", cancellationToken).ConfigureAwait(false);
            var body = transport.Read(response, FyersJsonContext.Default.QuotesBody, "Fetching quotes");
            synthetic |= response.IsSynthetic;
            var answered = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in body.D ?? [])
            {
                var name = item.N ?? item.V?.Symbol ?? string.Empty;
                answered.Add(name);
                if (string.Equals(item.S, "ok", StringComparison.OrdinalIgnoreCase) && item.V is { Lp: { } lp } v)
                {
                    quotes.Add(ToQuote(name, lp, v));
                }
                else
                {
                    var message = item.V?.ErrMsg ?? item.V?.Message ?? "FYERS returned no quote for this symbol.";
                    errors.Add(new QuoteError(name, item.V?.Code, FyersErrors.Shorten(message)!));
                }
            }

            foreach (var missing in batch.Where(s => !answered.Contains(s)))
            {
                errors.Add(new QuoteError(missing, null, "FYERS left this symbol out of its answer."));
            }
        }

        return new QuotesResult(quotes, errors, transport.Time.GetUtcNow(), synthetic);
    }

    /// <summary>Every allowed chunk of the range, one request each, streamed so a long backfill never holds the whole range.</summary>
    public async IAsyncEnumerable<HistoryChunk> GetHistoryAsync(HistoryRequest request, FyersCredentials credentials, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var chunk in request.Split())
        {
            yield return await GetHistoryChunkAsync(chunk, credentials, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One history request; the range must fit FYERS' per-request limit.</summary>
    public async Task<HistoryChunk> GetHistoryChunkAsync(HistoryRequest request, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.FitsOneRequest)
        {
            throw new ArgumentException($"{request.DaySpan} days is more than one {request.Resolution} history request may cover ({request.Resolution.MaxDaysPerRequest}); use GetHistoryAsync, which splits it.", nameof(request));
        }

        var operation = $"Fetching {request.Resolution} history of {request.Symbol}";
        var response = await transport.SendAsync(HttpMethod.Get, new Uri(baseUri, "history?" + request.ToQuery()), credentials, null, operation, cancellationToken).ConfigureAwait(false);
        HistoryBody body;
        List<Candle> candles;
        try
        {
            (body, candles) = HistoryParser.Parse(response.Body);
        }
        catch (JsonException e)
        {
            throw FyersTransport.Unreadable(response, operation, e);
        }

        transport.EnsureSuccess(response, body.Status, body.Code, body.Message, operation);
        return new HistoryChunk(request.Symbol, request.Resolution, request.From, request.To, candles, response.ReceivedAt, response.IsSynthetic);
    }

    /// <summary>Open/closed state of each exchange segment (fyers-protocol.md §10).</summary>
    public async Task<IReadOnlyList<MarketStatusEntry>> GetMarketStatusAsync(FyersCredentials credentials, CancellationToken cancellationToken)
    {
        var response = await transport.SendAsync(HttpMethod.Get, new Uri(baseUri, "marketStatus"), credentials, null, "Fetching market status", cancellationToken).ConfigureAwait(false);
        var body = transport.Read(response, FyersJsonContext.Default.MarketStatusBody, "Fetching market status");
        return [.. (body.MarketStatus ?? []).Select(m => new MarketStatusEntry(m.Exchange ?? 0, m.Segment ?? 0, m.MarketType ?? string.Empty, m.Status ?? string.Empty))];
    }

    /// <summary>The symbols the SDKs send per symbol-token call (fyers-protocol.md §11).</summary>
    public const int SymbolTokensPerCall = 500;

    /// <summary>
    /// fyTokens for symbols (fyers-protocol.md §11), which name the data socket's topics (§16): at most
    /// 500 a call, with the bare token. Symbols FYERS does not know come back apart, not as an error.
    /// </summary>
    public async Task<SymbolTokens> GetSymbolTokensAsync(IReadOnlyList<string> symbols, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var valid = new Dictionary<string, string>(StringComparer.Ordinal);
        var invalid = new List<string>();
        foreach (var chunk in symbols.Distinct(StringComparer.Ordinal).Chunk(SymbolTokensPerCall))
        {
            const string operation = "Looking up the data socket's symbol tokens";
            using var content = System.Net.Http.Json.JsonContent.Create(new SymbolTokenRequest(chunk), FyersJsonContext.Default.SymbolTokenRequest);
            var response = await transport.SendAsync(HttpMethod.Post, new Uri(baseUri, "symbol-token"), credentials, content, operation, cancellationToken, bareToken: true).ConfigureAwait(false);
            var body = transport.Read(response, FyersJsonContext.Default.SymbolTokenBody, operation);
            foreach (var (symbol, token) in body.ValidSymbol ?? [])
            {
                valid[symbol] = token;
            }

            invalid.AddRange(body.InvalidSymbol ?? []);
        }

        return new SymbolTokens(valid, invalid);
    }

    /// <summary>Five-level depth for one symbol (fyers-protocol.md §10).</summary>
    public async Task<MarketDepth> GetDepthAsync(string symbol, FyersCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var trimmed = symbol.Trim();
        var operation = $"Fetching depth of {trimmed}";
        var response = await transport.SendAsync(HttpMethod.Get, new Uri(baseUri, $"depth?symbol={Uri.EscapeDataString(trimmed)}&ohlcv_flag=1"), credentials, null, operation, cancellationToken).ConfigureAwait(false);
        var body = transport.Read(response, FyersJsonContext.Default.DepthBody, operation);
        if (body.D is null || body.D.Count == 0)
        {
            throw new FyersApiException(FyersErrorKind.InvalidSymbol, $"{operation} failed: FYERS returned no depth for it.");
        }

        var (name, d) = body.D.TryGetValue(trimmed, out var exact) ? new KeyValuePair<string, DepthData>(trimmed, exact) : body.D.First();
        return new MarketDepth(
            name,
            Levels(d.Bids),
            Levels(d.Ask),
            ToLong(d.TotalBuyQty),
            ToLong(d.TotalSellQty),
            d.Ltp,
            d.O,
            d.H,
            d.L,
            d.C,
            ToLong(d.V),
            d.TickSize,
            d.LowerCkt,
            d.UpperCkt,
            d.Ltt is { } ltt and > 0 ? DateTimeOffset.FromUnixTimeSeconds((long)ltt) : null,
            response.IsSynthetic);
    }

    private static Quote ToQuote(string name, double lp, QuoteValues v) => new(
        name,
        lp,
        v.Ch,
        v.Chp,
        v.Bid,
        v.Ask,
        v.OpenPrice,
        v.HighPrice,
        v.LowPrice,
        v.PrevClosePrice,
        v.Atp,
        ToLong(v.Volume),
        v.FyToken,
        long.TryParse(v.Tt, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tt) ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(tt).UtcDateTime) : null);

    private static List<DepthLevel> Levels(List<DepthLevelBody>? levels) =>
        [.. (levels ?? []).Select(l => new DepthLevel(l.Price ?? 0, ToLong(l.Volume) ?? 0, (int)(l.Ord ?? 0)))];

    private static long? ToLong(double? value) => value is { } v ? (long)Math.Round(v) : null;
}
