using Microsoft.Extensions.Options;
using PriceFeed.Fyers;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Socket;
using PriceFeed.Ingestion;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Live;

/// <summary>How a live feed ended.</summary>
public enum LiveFeedEnd
{
    /// <summary>Cancelled: the session closed or the host stopped.</summary>
    Stopped,

    /// <summary>No usable token, or FYERS refused it: a person must log in.</summary>
    LoginNeeded,

    /// <summary>Nothing to stream: the watchlist has no symbol the socket serves.</summary>
    NothingToStream,
}

/// <summary>What the stream is doing, for the status lines (updated as it runs).</summary>
public sealed class LiveStatus
{
    public string State { get; internal set; } = "stopped";

    public int Topics { get; internal set; }

    public long Ticks { get; internal set; }

    public long BarsWritten { get; internal set; }

    public int Reconnects { get; internal set; }

    public DateTimeOffset? LastTickAt { get; internal set; }

    public string? Detail { get; internal set; }
}

/// <summary>
/// The watchlist streamed from FYERS' data socket into the lake, on a laptop (issue 21): symbols to
/// topics through symbol-token, the socket through <see cref="HsmStream"/>, every tick appended to the
/// day's <see cref="TickLog"/> (flushed each second), and 1-minute bars built from the ticks
/// (<see cref="MinuteBarBuilder"/>) written to the lake within a few seconds of each minute's end,
/// marked as live bars. Live bars never move the REST cursors and never replace a REST bar: the
/// intraday and end-of-day jobs still fetch the authoritative bars, and replace the live ones.
/// </summary>
internal sealed partial class LiveFeed(
    TokenVault vault,
    WatchlistSource watchlist,
    FyersDataClient data,
    HsmStream stream,
    CandleLake lake,
    LakeWriter writer,
    Home.DataFolder home,
    IOptions<FyersOptions> fyers,
    TimeProvider time,
    ILogger<LiveFeed> logger)
{
    /// <summary>How long after a minute's end its late ticks still count; the bar is written after it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public LiveStatus Status { get; } = new();

    public async Task<LiveFeedEnd> RunAsync(CancellationToken cancellationToken)
    {
        var credentials = (await vault.ReadForJobsAsync(cancellationToken)).Credentials;
        if (credentials is null)
        {
            (Status.State, Status.Detail) = ("login-needed", "No FYERS token is stored: log in with FYERS.");
            return LiveFeedEnd.LoginNeeded;
        }

        var symbols = await watchlist.GetAsync(cancellationToken);
        var tokens = await data.GetSymbolTokensAsync(symbols, credentials, cancellationToken);
        var bySymbol = tokens.Valid
            .Select(t => (Symbol: t.Key, Topic: HsmTopics.For(t.Key, t.Value)))
            .Where(t => t.Topic is not null)
            .ToDictionary(t => t.Topic!, t => t.Symbol, StringComparer.Ordinal);
        if (bySymbol.Count == 0)
        {
            (Status.State, Status.Detail) = ("stopped", "No symbol of the watchlist is served by the data socket.");
            return LiveFeedEnd.NothingToStream;
        }

        var source = fyers.Value.UseSandbox ? "sandbox-live" : "fyers-live";
        var builder = new MinuteBarBuilder(Grace);
        var gate = new Lock();
        await using var log = new TickLog(home.Combine("live", "ticks"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writerLoop = WriteBarsAsync(builder, gate, log, source, stop.Token);
        Status.Topics = bySymbol.Count;

        void OnRecord(in HsmRecord record)
        {
            // A tick when the last price or the day volume moved; other fields (bid, ask) are not ticks.
            const ulong moved = (1UL << HsmFields.Ltp) | (1UL << HsmFields.Volume);
            if ((record.Changed & moved) == 0 || record.Price(HsmFields.Ltp) is not { } price || !bySymbol.TryGetValue(record.Topic, out var symbol))
            {
                return;
            }

            var at = time.GetUtcNow();
            var tick = new LiveTick(symbol, at, price, record.DayVolume);
            lock (gate)
            {
                log.Append(tick);
                builder.Add(tick);
                Status.Ticks++;
                Status.LastTickAt = at;
            }
        }

        void OnEvent(HsmStreamEvent e)
        {
            switch (e.Kind)
            {
                case HsmStreamEventKind.Subscribed:
                    (Status.State, Status.Detail) = ("live", e.Detail);
                    break;
                case HsmStreamEventKind.Disconnected:
                    lock (gate)
                    {
                        builder.Rebase(); // the next cumulative volume is a baseline
                    }

                    Status.Reconnects++;
                    (Status.State, Status.Detail) = ("reconnecting", e.Detail);
                    break;
                case HsmStreamEventKind.LoginNeeded:
                    (Status.State, Status.Detail) = ("login-needed", e.Detail);
                    break;
                default:
                    break;
            }
        }

        HsmStreamEnd end;
        try
        {
            Status.State = "connecting";
            end = await stream.RunAsync(credentials, [.. bySymbol.Keys], full: true, OnRecord, OnEvent, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await writerLoop;
            }
            catch (OperationCanceledException)
            {
            }

            // What closed by now still goes to the lake.
            await WriteClosedAsync(builder, gate, source, time.GetUtcNow(), CancellationToken.None);
        }

        if (end == HsmStreamEnd.LoginNeeded)
        {
            return LiveFeedEnd.LoginNeeded;
        }

        Status.State = "stopped";
        return LiveFeedEnd.Stopped;
    }

    private async Task WriteBarsAsync(MinuteBarBuilder builder, Lock gate, TickLog log, string source, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            await log.FlushAsync();
            await WriteClosedAsync(builder, gate, source, time.GetUtcNow(), cancellationToken);
        }
    }

    private async Task WriteClosedAsync(MinuteBarBuilder builder, Lock gate, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<LiveBar> bars;
        lock (gate)
        {
            bars = builder.Close(now);
        }

        if (bars.Count == 0)
        {
            return;
        }

        var rows = bars.Select(b => new CandleRow(b.Symbol, Resolution.OneMinute.Code, b.Start.ToUnixTimeSeconds(), (double)b.Open, (double)b.High, (double)b.Low, (double)b.Close, b.Volume, source)).ToList();
        try
        {
            await using (await writer.AcquireAsync("stream", cancellationToken))
            {
                Status.BarsWritten += (await lake.MergeAsync(rows, cancellationToken)).Written;
            }
        }
        catch (LakeBusyException e)
        {
            // Another run kept the lake past the wait: these minutes' live bars are dropped; the
            // REST jobs fetch the same minutes.
            Log.BarsDropped(logger, rows.Count, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(61, LogLevel.Warning, "{Bars} live bars not written: {Reason}")]
        public static partial void BarsDropped(ILogger logger, int bars, string reason);
    }
}
