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

/// <summary>
/// What a stream shift on AWS (<see cref="StreamShift"/>, issue 22) changes in a feed's run: where its
/// tick log goes (the shift uploads it), which minutes' bars it writes (the shifts hand the minutes
/// over, so each is written once), whether it may reconnect after a drop (not once a newer shift has
/// the watchlist), and what it is told as it goes.
/// </summary>
internal sealed class LiveShiftHooks
{
    public required string TickFolder { get; init; }

    /// <summary>True for the minutes (by their start) whose bars this run writes.</summary>
    public required Func<DateTimeOffset, bool> WritesBarOf { get; init; }

    public required Func<CancellationToken, Task<bool>> MayReconnect { get; init; }

    /// <summary>Each time the topics are subscribed, with the market's time.</summary>
    public required Action<DateTimeOffset> Subscribed { get; init; }

    /// <summary>The bars this run wrote to the lake, as it wrote them.</summary>
    public Action<IReadOnlyList<LiveBar>>? BarsWritten { get; init; }
}

/// <summary>What the stream is doing, for the status lines (updated as it runs).</summary>
public sealed class LiveStatus
{
    public string State { get; internal set; } = "stopped";

    public int Topics { get; internal set; }

    public long Ticks { get; internal set; }

    public long BarsWritten { get; internal set; }

    public int Reconnects { get; internal set; }

    /// <summary>When the last tick arrived, on the app's clock (not the replay's).</summary>
    public DateTimeOffset? LastTickAt { get; internal set; }

    /// <summary>The IST date of the session the stream plays (a replay's is in the past).</summary>
    public DateOnly? SessionDate { get; internal set; }

    /// <summary>Ticks counted per second over the last minute (app clock), for "ticks in the last minute".</summary>
    internal TickRate Rate { get; } = new();

    /// <summary>Ticks that arrived in the minute before <paramref name="now"/>.</summary>
    public long TicksInLastMinute(DateTimeOffset now) => Rate.LastMinute(now);

    public StreamSnapshot Snapshot(DateTimeOffset now) =>
        new(State, Topics, Ticks, TicksInLastMinute(now), LastTickAt, BarsWritten, Reconnects, Replayed, SessionDate, Detail, now);

    /// <summary>Ticks the feed sent twice (a duplicated frame): kept once.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>The market time of the last check for closed minutes (once a second while the stream runs).</summary>
    public DateTimeOffset? ClosedUpTo { get; internal set; }

    /// <summary>Ticks that came after their minute was closed: in the tick log, not in a bar.</summary>
    public long LateTicks { get; internal set; }

    /// <summary>Minutes not written as live bars because the stream did not see all of them (a start or a reconnect inside the minute).</summary>
    public int PartialMinutes { get; internal set; }

    /// <summary>Times the REST 1-minute candles were fetched to fill what the socket missed.</summary>
    public int Refills { get; internal set; }

    /// <summary>How long each reconnect of this session took, from the drop to the topics subscribed again.</summary>
    public IReadOnlyList<TimeSpan> ReconnectDurations => [.. reconnectDurations];

    internal readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> reconnectDurations = new();

    /// <summary>True when the stream plays a replayed sandbox session.</summary>
    public bool Replayed { get; internal set; }

    public string? Detail { get; internal set; }
}

/// <summary>
/// The watchlist streamed from FYERS' data socket into the lake, on a laptop (issue 21): symbols to
/// topics through symbol-token, the socket through <see cref="HsmStream"/>, every tick appended to the
/// day's <see cref="TickLog"/> (fsynced every half second), and 1-minute bars built from the ticks
/// (<see cref="MinuteBarBuilder"/>) written to the lake within a few seconds of each minute's end,
/// marked as live bars. Live bars never move the REST cursors and never replace a REST bar: the
/// intraday and end-of-day jobs still fetch the authoritative bars, and replace the live ones.
/// </summary>
internal sealed partial class LiveFeed(
    TokenVault vault,
    WatchlistSource watchlist,
    FyersDataClient data,
    HsmStream stream,
    LiveClock clock,
    Ingestion.IngestionRunner refill,
    Ingestion.EmfMetrics metrics,
    CandleLake lake,
    LakeWriter writer,
    Home.DataFolder home,
    IOptions<FyersOptions> fyers,
    TimeProvider time,
    ILogger<LiveFeed> logger,
    LiveLatencyProbe? probe = null)
{
    /// <summary>How long after a minute's end its late ticks still count; the bar is written after it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private LiveJournal? journal;

    // Set while a stream shift runs this feed (issue 22).
    private LiveShiftHooks? shift;

    // The running session's bar builder and its lock, for the forming bar the page charts.
    private (MinuteBarBuilder Builder, Lock Gate)? running;

    /// <summary>The symbol's bar forming now in the running stream; null when no stream runs or it has no tick this minute.</summary>
    public LiveBar? Forming(string symbol)
    {
        if (running is not var (builder, gate) || Status.State is not ("live" or "reconnecting"))
        {
            return null;
        }

        lock (gate)
        {
            return builder.FormingBar(symbol);
        }
    }

    /// <summary>The stream's day book of bars, drops and refills, for the reconcile after the close.</summary>
    public LiveJournal Journal => journal ??= new LiveJournal(home.Combine("live", "journal"));

    /// <summary>How often the tick log is made durable.</summary>
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after a reconnect the REST refill runs: the minute the socket came back in must have
    /// closed at FYERS first, or the refill would fetch it half-formed.
    /// </summary>
    public static readonly TimeSpan RefillAfter = TimeSpan.FromSeconds(65);

    public LiveStatus Status { get; } = new();

    public async Task<LiveFeedEnd> RunAsync(CancellationToken cancellationToken, LiveShiftHooks? shift = null)
    {
        this.shift = shift;
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

        var market = clock.Time;
        // A run is a session: its numbers start again.
        (Status.Ticks, Status.BarsWritten, Status.Reconnects, Status.Duplicates, Status.LateTicks, Status.PartialMinutes, Status.Refills, Status.LastTickAt) = (0, 0, 0, 0, 0, 0, 0, null);
        Status.reconnectDurations.Clear();
        Status.Replayed = clock.Replaying;
        Status.SessionDate = Fyers.Data.MarketTime.IstDate(market.GetUtcNow());
        var source = !fyers.Value.UseSandbox ? "fyers-live" : Status.Replayed ? "sandbox-replay" : "sandbox-live";
        var builder = new MinuteBarBuilder(Grace);
        var lastTick = new Dictionary<string, LiveTick>(StringComparer.Ordinal);
        DateTimeOffset? droppedAt = null;
        Task refilling = Task.CompletedTask;
        var gate = new Lock();
        running = (builder, gate);
        await using var log = new TickLog(shift?.TickFolder ?? home.Combine("live", "ticks"), source, probe);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writerLoop = WriteBarsAsync(builder, gate, log, source, market, stop.Token);
        Status.Topics = bySymbol.Count;

        void OnRecord(in HsmRecord record)
        {
            if (!record.IsTrade || record.Price(HsmFields.Ltp) is not { } price || !bySymbol.TryGetValue(record.Topic, out var symbol))
            {
                return;
            }

            var received = market.GetUtcNow();
            var scrip = record.Kind == HsmTopicKind.Scrip;
            var tick = new LiveTick(
                symbol,
                record.TradedAt ?? received,
                price,
                record.DayVolume,
                received,
                scrip ? record.Price(HsmFields.BidPrice) : null,
                scrip ? record.Price(HsmFields.AskPrice) : null,
                scrip && record.Raw(HsmFields.OpenInterest) is { } oi and > 0 ? oi : null);
            lock (gate)
            {
                // A frame sent twice repeats its ticks exactly: kept once, so nothing counts twice.
                if (lastTick.TryGetValue(symbol, out var previous) && previous with { ReceivedAt = received } == tick)
                {
                    Status.Duplicates++;
                    return;
                }

                lastTick[symbol] = tick;
                log.Append(tick);
                if (!builder.Add(tick))
                {
                    Status.LateTicks++;
                }

                Status.Ticks++;
                Status.LastTickAt = time.GetUtcNow();
                Status.Rate.Count(Status.LastTickAt.Value);
            }
        }

        void OnEvent(HsmStreamEvent e)
        {
            switch (e.Kind)
            {
                case HsmStreamEventKind.Subscribed:
                    (Status.State, Status.Detail) = ("live", e.Detail);
                    shift?.Subscribed(market.GetUtcNow());
                    if (droppedAt is { } since)
                    {
                        Note(new JournalEvent("back", market.GetUtcNow(), null));
                        Status.reconnectDurations.Enqueue(time.GetUtcNow() - since);
                        droppedAt = null;
                        if (refilling.IsCompleted)
                        {
                            // What the socket missed comes from REST once the minute it came back in closed
                            // (a refill already under way covers this drop too).
                            refilling = RefillAsync(stop.Token);
                        }
                    }

                    break;
                case HsmStreamEventKind.Disconnected:
                    lock (gate)
                    {
                        builder.Rebase(); // the next cumulative volume is a baseline
                    }

                    if (droppedAt is null)
                    {
                        Note(new JournalEvent("drop", market.GetUtcNow(), e.Detail));
                    }

                    droppedAt ??= time.GetUtcNow();

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
            end = await stream.RunAsync(credentials, [.. bySymbol.Keys], full: true, OnRecord, OnEvent, stop.Token, shift?.MayReconnect);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var loop in new[] { writerLoop, refilling })
            {
                try
                {
                    await loop;
                }
                catch (OperationCanceledException)
                {
                }
            }

            // What closed by now still goes to the lake.
            await WriteClosedAsync(builder, gate, source, market.GetUtcNow(), CancellationToken.None);
        }

        if (end != HsmStreamEnd.LoginNeeded)
        {
            Status.State = "stopped";
        }

        await ShareStatusAsync(CancellationToken.None);
        return end == HsmStreamEnd.LoginNeeded ? LiveFeedEnd.LoginNeeded : LiveFeedEnd.Stopped;
    }

    private async Task WriteBarsAsync(MinuteBarBuilder builder, Lock gate, TickLog log, string source, TimeProvider market, CancellationToken cancellationToken)
    {
        var metricsAt = time.GetUtcNow();
        var flushing = FlushLoopAsync(log, cancellationToken);
        try
        {
            var next = Task.Delay(TimeSpan.FromSeconds(1), market, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                await next;
                var now = market.GetUtcNow();
                // The next pass is timed from this one's start: a second apart, however long a pass takes.
                next = Task.Delay(TimeSpan.FromSeconds(1), market, cancellationToken);
                // A pass that started finishes: the bars it closed are out of the builder, and a stop
                // in the middle of their write would lose them.
                await WriteClosedAsync(builder, gate, source, now, CancellationToken.None);
                await ShareStatusAsync(cancellationToken);
                if (time.GetUtcNow() - metricsAt >= TimeSpan.FromMinutes(1))
                {
                    // The stream's metrics line, once a minute (the alarms' data on AWS; a log line here).
                    metricsAt = time.GetUtcNow();
                    metrics.WriteStream(new Ingestion.StreamMetrics(Status.State, Status.TicksInLastMinute(metricsAt), Status.LastTickAt, Status.Reconnects, Status.BarsWritten, Status.PartialMinutes, Status.LateTicks), metricsAt);
                }

                Status.ClosedUpTo = now;
            }
        }
        finally
        {
            await flushing;
        }
    }

    /// <summary>
    /// Every half second on the wall clock (a replay's speed changes nothing about the disk): the tick
    /// log written and fsynced, so a tick is durable within about half a second of arrival plus the
    /// fsync (the p99 is in docs/benchmarks.md).
    /// </summary>
    private async Task FlushLoopAsync(TickLog log, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushEvery, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await log.FlushAsync();
        }
    }

    /// <summary>The stream's status for other processes (<see cref="StreamSnapshot"/>); a failed write only costs the CLI its line.</summary>
    private async Task ShareStatusAsync(CancellationToken cancellationToken)
    {
        if (shift is not null)
        {
            return; // a shift shares its status through the lake (StreamShift)
        }

        try
        {
            await Status.Snapshot(time.GetUtcNow()).WriteAsync(StreamSnapshot.PathIn(home), cancellationToken);
        }
        catch (IOException e)
        {
            Log.StatusNotShared(logger, e.Message);
        }
    }

    /// <summary>
    /// The REST refill after a reconnect: the intraday job, which fetches every minute since the
    /// lake's last REST bar for the whole watchlist, so the minutes the socket missed arrive as REST
    /// bars (the authority) instead of staying a gap. Not in a replay: its minutes are in the past.
    /// </summary>
    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        if (Status.Replayed)
        {
            return;
        }

        await Task.Delay(RefillAfter, time, cancellationToken);
        try
        {
            var report = await refill.RunIntradayAsync(cancellationToken);
            Status.Refills++;
            Note(new JournalEvent("refill", clock.Time.GetUtcNow(), report.Status.ToString()));
            Log.Refilled(logger, report.Status.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.RefillFailed(logger, e.Message);
        }
    }

    /// <summary>A drop, return or refill into the journal; a disk that refuses it costs the reconcile a line, not the stream.</summary>
    private void Note(JournalEvent e)
    {
        if (shift is not null)
        {
            return; // the journal is the laptop's; a shift's folder goes with its function
        }

        try
        {
            Journal.Append(e);
        }
        catch (IOException ex)
        {
            Log.JournalNotWritten(logger, ex.Message);
        }
    }

    private async Task WriteClosedAsync(MinuteBarBuilder builder, Lock gate, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<LiveBar> bars;
        lock (gate)
        {
            bars = builder.Close(now);
        }

        // Every bar, whole or not, goes into the day's journal for the reconcile after the close.
        try
        {
            if (shift is null)
            {
                Journal.Append(bars);
            }
        }
        catch (IOException e)
        {
            Log.JournalNotWritten(logger, e.Message);
        }

        // A minute the stream did not see whole (it started or came back inside it) is no live bar:
        // it is left to the REST jobs, like a minute without ticks.
        var partial = bars.Count(b => !b.Complete);
        Status.PartialMinutes += partial;
        // A shift writes the minutes handed to it; the shift before or after it writes the others.
        bars = [.. bars.Where(b => b.Complete && (shift?.WritesBarOf(b.Start) ?? true))];
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
                shift?.BarsWritten?.Invoke(bars);
                if (probe is not null)
                {
                    var written = clock.Time.GetUtcNow();
                    foreach (var bar in bars)
                    {
                        probe.MinuteToLake.Add(written - (bar.Start + TimeSpan.FromMinutes(1)));
                    }
                }
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

        [LoggerMessage(68, LogLevel.Warning, "The live stream's journal could not be written: {Reason}; the day's reconcile will miss these bars")]
        public static partial void JournalNotWritten(ILogger logger, string reason);

        [LoggerMessage(65, LogLevel.Warning, "The live stream's status file could not be written: {Reason}")]
        public static partial void StatusNotShared(ILogger logger, string reason);

        [LoggerMessage(63, LogLevel.Information, "The live stream came back; the REST refill of the minutes it missed ended {Status}")]
        public static partial void Refilled(ILogger logger, string status);

        [LoggerMessage(64, LogLevel.Warning, "The REST refill after a reconnect failed: {Reason}; the next intraday run fetches the same minutes")]
        public static partial void RefillFailed(ILogger logger, string reason);
    }
}

/// <summary>Ticks per second over the last 60 seconds: a ring of per-second counts, so a busy stream costs nothing per tick.</summary>
internal sealed class TickRate
{
    private readonly long[] counts = new long[60];
    private readonly long[] seconds = new long[60];
    private readonly Lock gate = new();

    public void Count(DateTimeOffset at)
    {
        var second = at.ToUnixTimeSeconds();
        var slot = (int)(second % 60);
        lock (gate)
        {
            if (seconds[slot] != second)
            {
                (seconds[slot], counts[slot]) = (second, 0);
            }

            counts[slot]++;
        }
    }

    public long LastMinute(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        var total = 0L;
        lock (gate)
        {
            for (var i = 0; i < 60; i++)
            {
                total += second - seconds[i] is >= 0 and < 60 ? counts[i] : 0;
            }
        }

        return total;
    }
}
