using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Data;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

/// <summary>
/// FYERS' symbol masters for the cash segments (NSE_CM, BSE_CM), downloaded once an IST day and kept
/// in the data folder (<c>cache/sym_details/{segment}_sym_master.{date}.json</c>): the watchlist is
/// checked against them before any run, so an unknown symbol is named and never sent to FYERS, and a
/// trader can add "SBIN" or "Reliance" by name. When FYERS' file cannot be had, yesterday's copy
/// serves; with no copy at all, nothing is checked (the data calls report unknown symbols as before).
/// </summary>
internal sealed partial class SymbolDirectory(SymbolMasterClient client, Home.DataFolder home, TimeProvider time, ILogger<SymbolDirectory> logger)
{
    /// <summary>How long a failed download (no master, or only an older copy) stands before the next try.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Loaded> loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The master a ticker belongs to; null for what the cash masters do not list (F&amp;O, MCX).</summary>
    public static string? SegmentOf(string ticker) =>
        !ticker.Contains('-', StringComparison.Ordinal) ? null
        : ticker.StartsWith("NSE:", StringComparison.Ordinal) ? "NSE_CM"
        : ticker.StartsWith("BSE:", StringComparison.Ordinal) ? "BSE_CM"
        : null;

    /// <summary>The one the person meant: the only match, or an exact symbol whose first match is its equity; null when they must choose.</summary>
    public static SymbolEntry? Pick(string query, IReadOnlyList<SymbolEntry> matches)
    {
        if (matches.Count == 1)
        {
            return matches[0];
        }

        var exact = matches.Where(m => string.Equals(m.ExchangeSymbol, query.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return exact.Count > 0 && exact[0].Ticker.EndsWith("-EQ", StringComparison.Ordinal) ? exact[0] : null;
    }

    private string Folder => home.Combine("cache", "sym_details");

    public async Task<SymbolMaster?> GetAsync(string segment, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = MarketTime.IstDate(now);
        if (loaded.TryGetValue(segment, out var hit) && hit.Serves(today, now))
        {
            return hit.Master;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (loaded.TryGetValue(segment, out hit) && hit.Serves(today, now))
            {
                return hit.Master;
            }

            var (master, fresh) = await LoadAsync(segment, today, cancellationToken);
            // Today's list stands for the day; a failure (nothing, or yesterday's copy) only a few
            // minutes, so one unlucky moment does not leave the day unchecked.
            loaded[segment] = new Loaded(master, today, fresh ? null : now + RetryAfterFailure);
            return master;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The symbols of <paramref name="tickers"/> that a loaded master does not list.</summary>
    public async Task<IReadOnlyList<string>> UnknownAsync(IEnumerable<string> tickers, CancellationToken cancellationToken)
    {
        var unknown = new List<string>();
        foreach (var ticker in tickers)
        {
            if (SegmentOf(ticker) is { } segment && await GetAsync(segment, cancellationToken) is { } master && !master.Contains(ticker))
            {
                unknown.Add(ticker);
            }
        }

        return unknown;
    }

    /// <summary>What a person may mean; BSE only when asked for ("BSE:..."), NSE otherwise.</summary>
    public async Task<(IReadOnlyList<SymbolEntry> Matches, SymbolMaster? Master)> FindAsync(string query, CancellationToken cancellationToken)
    {
        var segment = query.TrimStart().StartsWith("BSE:", StringComparison.OrdinalIgnoreCase) ? "BSE_CM" : "NSE_CM";
        var master = await GetAsync(segment, cancellationToken);
        return (master?.Find(query) ?? [], master);
    }

    /// <summary>Today's master (fresh) or, when it cannot be had, the newest older copy or nothing (not fresh).</summary>
    private async Task<(SymbolMaster? Master, bool Fresh)> LoadAsync(string segment, DateOnly today, CancellationToken cancellationToken)
    {
        var todays = Path.Combine(Folder, $"{segment}_sym_master.{today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.json");
        if (TryRead(todays, segment) is { } cached)
        {
            return (cached, true);
        }

        try
        {
            var bytes = await client.DownloadAsync(segment, cancellationToken);
            var master = SymbolMaster.Parse(bytes, segment);
            Keep(todays, segment, bytes);
            return (master, true);
        }
        catch (Exception e) when (e is HttpRequestException or FormatException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // (A caller that went away, e.g. a page reloaded mid-request, is not a failed download:
            // that cancellation goes up and nothing is remembered.)
            // Yesterday's list is nearly always right: listings change rarely and never mid-session.
            var older = Directory.Exists(Folder) ? Directory.GetFiles(Folder, $"{segment}_sym_master.*.json").Order(StringComparer.Ordinal).LastOrDefault() : null;
            Log.DownloadFailed(logger, segment, e.Message, older is null ? "nothing is checked" : $"using {Path.GetFileName(older)}");
            return (older is null ? null : TryRead(older, segment), false);
        }
    }

    private sealed record Loaded(SymbolMaster? Master, DateOnly Day, DateTimeOffset? RetryAt)
    {
        public bool Serves(DateOnly today, DateTimeOffset now) => Day == today && (RetryAt is not { } retry || now < retry);
    }

    private SymbolMaster? TryRead(string path, string segment)
    {
        try
        {
            return File.Exists(path) ? SymbolMaster.Parse(File.ReadAllBytes(path), segment) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            Log.CacheUnreadable(logger, path, e.Message);
            return null;
        }
    }

    /// <summary>Today's copy, written whole (temporary file, then rename); older copies removed. A read-only disk only costs a download tomorrow.</summary>
    private void Keep(string path, string segment, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
            foreach (var old in Directory.GetFiles(Folder, $"{segment}_sym_master.*.json").Where(f => f != path))
            {
                File.Delete(old);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CacheUnwritable(logger, path, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "FYERS' symbol master {Segment} could not be downloaded ({Error}); {Fallback}")]
        public static partial void DownloadFailed(ILogger logger, string segment, string error, string fallback);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The cached symbol master {Path} is unreadable: {Error}")]
        public static partial void CacheUnreadable(ILogger logger, string path, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The symbol master could not be cached at {Path}: {Error}")]
        public static partial void CacheUnwritable(ILogger logger, string path, string error);
    }
}
