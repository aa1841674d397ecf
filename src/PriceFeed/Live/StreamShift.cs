using System.Globalization;
using PriceFeed.Calendar;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Live;

/// <summary>The stream shifts' timings, bound from <c>Live:Shift</c>.</summary>
public sealed class StreamShiftOptions
{
    public const string SectionName = "Live:Shift";

    /// <summary>How long the older shift keeps streaming after the newer one's first whole minute closed.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the shift's new ticks go to the lake (the issue allows at most 60 s).</summary>
    public TimeSpan UploadEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder rewrites the handover object (its heartbeat and the page's status).</summary>
    public TimeSpan BeatEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a shift reads the handover object to see whether a newer shift has come.</summary>
    public TimeSpan WatchEvery { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A holder that has not rewritten the handover object for this long is gone (killed with its function).</summary>
    public TimeSpan GoneAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Kept back from the invocation's deadline for the last upload, the shift's record and its metrics.</summary>
    public TimeSpan EndMargin { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a shift lasts when it is not run by Lambda (no invocation deadline to go by).</summary>
    public TimeSpan LengthWithoutDeadline { get; set; } = TimeSpan.FromMinutes(14);

    /// <summary>How long before the open the day's first shift connects.</summary>
    public TimeSpan EarlyBy { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest a shift waits for the open (billed while it waits): a shift started earlier does
    /// nothing and the next one, at most this long before the open with a 10-minute schedule, streams.
    /// </summary>
    public TimeSpan MaxWaitForOpen { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The stream shift as a job of <c>/events</c>: {"job":"stream-shift"} from EventBridge Scheduler.</summary>
internal sealed class StreamShiftEvent(StreamShift shift, LiveClock clock, Microsoft.Extensions.Options.IOptions<StreamShiftOptions> options) : Ingestion.IEventJob
{
    public const string JobName = "stream-shift";

    public string Name => JobName;

    /// <summary>
    /// Until the invocation's deadline (or, without one, the shift's own length), answered 500 only
    /// when the shift should have streamed and never did (a Lambda error the stream_failed alarm sees).
    /// The deadline is wall-clock time; the shift counts on the market's clock, the same one on Lambda.
    /// </summary>
    public async Task<IResult> RunAsync(DateTimeOffset? deadline, CancellationToken aborted)
    {
        var left = deadline is { } at ? at - TimeProvider.System.GetUtcNow() : options.Value.LengthWithoutDeadline;
        var report = await shift.RunAsync(clock.Time.GetUtcNow() + left, aborted);
        return TypedResults.Json(report, ShiftJsonContext.Default.ShiftReport, statusCode: report.IsFailure ? 500 : 200);
    }
}

/// <summary>
/// One stream shift on AWS (issue 22): a Lambda invocation holds FYERS' data socket for the watchlist
/// for at most its 15 minutes, so EventBridge Scheduler starts a shift every 10 minutes of a session
/// and each hands the watchlist to the next through the lake (docs/deploy-aws.md, "Live data").
/// <list type="number">
/// <item>It claims <see cref="ShiftBaton"/> over the version it read. The shift that held it sees its
/// next rewrite refused and learns it has a successor.</item>
/// <item>It streams with <see cref="LiveFeed"/>: ticks into a log on local disk, uploaded to
/// <c>staging/ticks/</c> every <see cref="StreamShiftOptions.UploadEvery"/> and at its end (the
/// end-of-day job compacts them with the ticks both shifts saw stored once); 1-minute bars into the lake.</item>
/// <item>Minutes are handed over, not shared: the new shift writes the bars from its first whole minute
/// (its takeover), the old one the minutes before, and keeps streaming until that minute closed plus
/// <see cref="StreamShiftOptions.Overlap"/>. If FYERS allows one connection only and closes the old
/// one, the old shift does not reconnect once a newer shift holds the baton (no tug of war), and
/// the minute it was cut in is refilled from REST.</item>
/// <item>If the shift before it is gone (killed, late successor) or ended at its deadline, the minutes
/// between are the handover gap: reported, measured (HandoverGapSeconds) and refilled from REST.</item>
/// </list>
/// It never runs past the invocation's deadline less <see cref="StreamShiftOptions.EndMargin"/>.
/// </summary>
internal sealed partial class StreamShift(
    IServiceProvider services,
    IDataSink sink,
    MarketCalendar calendar,
    TokenVault vault,
    LiveClock clock,
    Ingestion.IngestionRunner refill,
    TickCompactor compactor,
    Ingestion.EmfMetrics metrics,
    Microsoft.Extensions.Options.IOptions<StreamShiftOptions> options,
    ILogger<StreamShift> logger)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<LiveFeed, string> feeds = new();

    /// <summary>The feeds of the shifts running in this process now, by shift id (one on Lambda; the tests run several).</summary>
    internal IReadOnlyDictionary<LiveFeed, string> Running => feeds;

    private StreamShiftOptions Options => options.Value;

    private IServiceProvider Services => services;

    private IDataSink Lake => sink;

    private MarketCalendar Calendar => calendar;

    private TokenVault Vault => vault;

    private Ingestion.IngestionRunner Refill => refill;

    private TickCompactor Compactor => compactor;

    private ILogger Logger => logger;

    private TimeProvider Market => clock.Time;

    /// <summary>The stream the shifts run, for the page on AWS (<see cref="ShiftBaton.StatusAsync"/>); a lake that cannot be read costs the line only.</summary>
    public async Task<StreamSnapshot?> SharedStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ShiftBaton.StatusAsync(sink, cancellationToken);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or IOException)
        {
            return null;
        }
    }

    /// <summary>Where a day's staged tick uploads are: <c>staging/ticks/date=…/{shift}-{n}.jsonl</c>.</summary>
    public static string StagingOf(DateOnly date) => $"{StagingRoot}date={date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";

    public const string StagingRoot = "staging/ticks/";

    /// <summary>
    /// Runs a shift until it handed over, the session closed or <paramref name="deadline"/> (less the
    /// margin) came. <paramref name="abort"/> is a kill: the shift stops where it is without its last
    /// upload or record, as a function killed by Lambda would.
    /// </summary>
    public async Task<ShiftReport> RunAsync(DateTimeOffset deadline, CancellationToken abort)
    {
        var startedAt = Market.GetUtcNow();
        var id = $"{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        var run = new Run(this, id, startedAt, deadline - Options.EndMargin);
        var report = await run.ExecuteAsync(abort);
        metrics.WriteShift(report.Outcome, report.IsFailure, report.HandoverGapSeconds, Market.GetUtcNow());
        Log.Ended(logger, id, report.Outcome, report.Detail);
        return report;
    }

    /// <summary>One shift's state; the feed's hooks run on its threads, so what they touch is locked.</summary>
    private sealed class Run(StreamShift owner, string id, DateTimeOffset startedAt, DateTimeOffset deadline)
    {
        private readonly Lock gate = new();
        private TradingSession? session;
        private string? version;
        private ShiftBaton? claimed;
        private ShiftBaton? predecessor;
        private ShiftBaton? before;
        private ShiftBaton? successor;
        private DateTimeOffset? liveAt;
        private DateTimeOffset? takeover;
        private DateTimeOffset? coveredUntil;
        private long uploadedBytes;
        private int uploads;
        private long barsWritten;
        private double? gap;
        private bool gapSettled;
        private bool refilled;
        private string? folder;
        private Task refilling = Task.CompletedTask;
        private volatile bool coverageMoved;

        private StreamShiftOptions Options => owner.Options;

        private TimeProvider Market => owner.Market;

        private IDataSink Sink => owner.Lake;

        public async Task<ShiftReport> ExecuteAsync(CancellationToken abort)
        {
            var now = Market.GetUtcNow();
            var today = Fyers.Data.MarketTime.IstDate(now);
            session = owner.Calendar.SessionOn(today);
            if (session is null)
            {
                return await CompactOrSkipAsync($"No NSE session on {today:ddd d MMM yyyy}.", abort);
            }

            var endAt = Min(deadline, session.Close + LiveScheduler.AfterClose);
            if (now >= session.Close + LiveScheduler.AfterClose)
            {
                return await CompactOrSkipAsync($"Today's session closed at {Fyers.Data.MarketTime.ToIst(session.Close):HH:mm} IST.", abort);
            }

            if (session.Open - Options.EarlyBy >= endAt - Minute || session.Open - Options.EarlyBy - now > Options.MaxWaitForOpen)
            {
                return Report("skipped", $"The session opens at {Fyers.Data.MarketTime.ToIst(session.Open):HH:mm} IST; a later shift streams it.");
            }

            // A missing or dead token is the token alarm's business: a shift that cannot stream says
            // so and stops, with no socket opened and no metric that would raise the no-ticks alarm.
            var token = await owner.Vault.ReadForJobsAsync(abort);
            if (token.Credentials is null)
            {
                return Report("login-needed", "No FYERS token is stored: log in with FYERS.");
            }

            if (token.AccessTokenInfo is { } info && info.IsExpiredAt(now))
            {
                return Report("login-needed", $"The FYERS token expired at {Fyers.Data.MarketTime.ToIst(info.ExpiresAt):HH:mm} IST: log in with FYERS.");
            }

            if (session.Open - Options.EarlyBy > now)
            {
                await Task.Delay(session.Open - Options.EarlyBy - now, Market, abort);
            }

            if (!await ClaimAsync(abort))
            {
                return Report("superseded", $"Shift {successor?.Shift} claimed the watchlist first; this one did not connect.");
            }

            return await StreamAsync(endAt, abort);
        }

        /// <summary>
        /// With no session to stream, the shift compacts the finished days the shifts staged, in its
        /// 15 minutes and its memory (the end-of-day job, in its 5, is the fallback): with the default
        /// schedule the three shifts after the close try in turn. Cut at the deadline, the pieces stay.
        /// </summary>
        private async Task<ShiftReport> CompactOrSkipAsync(string why, CancellationToken abort)
        {
            using var limit = new CancellationTokenSource(Max(TimeSpan.Zero, deadline - Market.GetUtcNow()), Market);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(abort, limit.Token);
            try
            {
                var done = await owner.Compactor.CompactStagedFinishedAsync(both.Token);
                return done.Count == 0
                    ? Report("skipped", why)
                    : Report("compacted", $"{why} Staged ticks compacted: {string.Join(", ", done.Select(d => $"{d.Date:yyyy-MM-dd} ({d.Ticks:N0} ticks)"))}.");
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                return Report("skipped", $"{why} The staged ticks' compaction reached the shift's deadline; the pieces stay for the next shift or the end-of-day job.");
            }
            catch (Exception e) when (e is IOException or LakeBusyException or Amazon.Runtime.AmazonServiceException)
            {
                Log.LakeCallFailed(owner.Logger, id, e.Message);
                return Report("skipped", $"{why} The staged ticks could not be compacted ({e.Message}); the pieces stay for the next shift or the end-of-day job.");
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>Takes the baton over the version read; false when a newer shift claimed it first.</summary>
        private async Task<bool> ClaimAsync(CancellationToken abort)
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var (current, currentVersion) = await ShiftBaton.ReadAsync(Sink, abort);
                var now = Market.GetUtcNow();
                if (current is not null && string.CompareOrdinal(current.Shift, id) > 0)
                {
                    successor = current;
                    return false;
                }

                before = current?.Date == session!.Date ? current : null;
                predecessor = before is { EndedAt: null } b && now - b.BeatAt < Options.GoneAfter ? b : null;
                var baton = new ShiftBaton(id, session.Date, now, deadline, now, null, null, before?.CoveredUntil, null, null, null);
                if (await Sink.WriteIfAsync(ShiftBaton.Key, baton.Serialize(), currentVersion, abort) is { } written)
                {
                    (claimed, version) = (baton, written);
                    Log.Claimed(owner.Logger, id, predecessor?.Shift ?? "none");
                    return true;
                }

                // The holder rewrote it between our read and our write (its heartbeat): read again.
            }

            throw new IOException("The stream's handover object kept changing under this shift's claim.");
        }

        private async Task<ShiftReport> StreamAsync(DateTimeOffset endAt, CancellationToken abort)
        {
            folder = Path.Combine(Path.GetTempPath(), $"pricefeed-shift-{id}");
            var feed = ActivatorUtilities.CreateInstance<LiveFeed>(owner.Services);
            owner.feeds[feed] = id;
            using var stopFeed = CancellationTokenSource.CreateLinkedTokenSource(abort);
            var hooks = new LiveShiftHooks
            {
                TickFolder = folder,
                WritesBarOf = WritesBarOf,
                MayReconnect = MayReconnectAsync,
                Subscribed = at =>
                {
                    lock (gate)
                    {
                        liveAt ??= at;
                        takeover ??= new DateTimeOffset(at.UtcTicks - (at.UtcTicks % Minute.Ticks), TimeSpan.Zero) + Minute;
                    }
                },
                BarsWritten = bars =>
                {
                    lock (gate)
                    {
                        barsWritten += bars.Count;
                        var end = bars.Max(b => b.Start) + Minute;
                        coveredUntil = coveredUntil is { } c && c > end ? c : end;
                        coverageMoved = true; // the baton says so at once: a successor after a kill starts from it
                    }
                },
            };

            var running = Task.Run(() => feed.RunAsync(stopFeed.Token, hooks), CancellationToken.None);
            var (outcome, detail) = ("ended", "The shift reached its end.");
            var (nextBeat, nextWatch, nextUpload) = (DateTimeOffset.MinValue, DateTimeOffset.MinValue, Market.GetUtcNow() + Options.UploadEvery);
            try
            {
                while (true)
                {
                    var tick = Task.Delay(TimeSpan.FromSeconds(1), Market, abort);
                    await Task.WhenAny(tick, running);
                    abort.ThrowIfCancellationRequested();
                    var now = Market.GetUtcNow();
                    if (running.IsCompleted)
                    {
                        (outcome, detail) = await running == LiveFeedEnd.LoginNeeded
                            ? ("login-needed", feed.Status.Detail ?? "FYERS refused the token: log in with FYERS.")
                            : successor is not null ? ("handed-over", $"Shift {successor.Shift} holds the watchlist; FYERS closed this shift's connection for it.") : ("ended", feed.Status.Detail ?? "The stream stopped.");
                        break;
                    }

                    if (now >= endAt)
                    {
                        (outcome, detail) = now >= session!.Close ? ("ended", "The session closed.") : ("ended", successor is null ? "The shift reached its deadline and no newer shift came: the minutes after it are a gap until the next shift refills them." : $"The shift reached its deadline before shift {successor.Shift} took over.");
                        break;
                    }

                    if ((liveAt is not null && claimed!.LiveAt is null) || coverageMoved)
                    {
                        coverageMoved = false;
                        nextBeat = nextWatch = now; // the shift before learns our takeover at once
                    }

                    if (now >= nextWatch)
                    {
                        nextWatch = now + (successor is null ? Options.WatchEvery : TimeSpan.FromSeconds(1));
                        var beat = now >= nextBeat;
                        if (await LakeCallAsync(() => WatchAsync(now, feed, beat, abort)) && beat && successor is null)
                        {
                            nextBeat = now + Options.BeatEvery;
                        }
                    }

                    if (HandedOver(now, feed) is { } handed)
                    {
                        (outcome, detail) = ("handed-over", handed);
                        break;
                    }

                    await LakeCallAsync(() => SettleGapAsync(now, abort));
                    if (now >= nextUpload && await LakeCallAsync(() => UploadAsync(abort)))
                    {
                        nextUpload = now + Options.UploadEvery;
                    }
                }
            }
            finally
            {
                await stopFeed.CancelAsync();
                owner.feeds.TryRemove(feed, out _);
                foreach (var task in new[] { running, refilling })
                {
                    try
                    {
                        await task;
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }

            abort.ThrowIfCancellationRequested();

            // The feed wrote what closed before it stopped; the rest of the log goes up now.
            await UploadAsync(CancellationToken.None);
            TryDelete(folder);
            var status = feed.Status;
            if (liveAt is null && outcome == "ended")
            {
                (outcome, detail) = ("not-connected", $"The data socket never came up this shift: {status.Detail ?? "no answer"}.");
            }

            await SettleGapAsync(DateTimeOffset.MaxValue, CancellationToken.None);
            var report = Report(outcome, detail, status);
            await Sink.WriteAsync(ShiftReport.KeyOf(session!.Date, id), report.Serialize(), CancellationToken.None);
            if (successor is null)
            {
                // Still the holder: the baton says the stream stopped, and where its bars end.
                await LakeCallAsync(() => BeatAsync(Market.GetUtcNow(), status.Snapshot(Market.GetUtcNow()), ended: (outcome, detail), CancellationToken.None));
            }

            return report;
        }

        /// <summary>The minutes this shift writes bars of: from its takeover when it relieved a live shift, until its successor's.</summary>
        private bool WritesBarOf(DateTimeOffset minute)
        {
            lock (gate)
            {
                return (predecessor is null || (takeover is { } from && minute >= from)) && (successor?.Takeover is not { } until || minute < until);
            }
        }

        /// <summary>After a drop: reconnect only while no newer shift holds the watchlist (a FYERS that closes the older connection must not see us come back).</summary>
        private async Task<bool> MayReconnectAsync(CancellationToken cancellationToken)
        {
            if (successor is not null)
            {
                return false;
            }

            try
            {
                var (current, _) = await ShiftBaton.ReadAsync(Sink, cancellationToken);
                if (current is not null && current.Shift != id)
                {
                    lock (gate)
                    {
                        successor = current;
                    }

                    return false;
                }
            }
            catch (Amazon.S3.AmazonS3Exception)
            {
                // The lake cannot say: streaming on is the safer guess.
            }

            return true;
        }

        /// <summary>Reads the baton (and, as its holder, rewrites it): learns of a successor and its takeover.</summary>
        private async Task WatchAsync(DateTimeOffset now, LiveFeed feed, bool beat, CancellationToken abort)
        {
            if (successor is null && beat && await BeatAsync(now, feed.Status.Snapshot(now), ended: null, abort))
            {
                return;
            }

            var (current, currentVersion) = await ShiftBaton.ReadAsync(Sink, abort);
            if (current is not null && current.Shift != id)
            {
                lock (gate)
                {
                    successor = current;
                }
            }
            else if (current?.Shift == id)
            {
                version = currentVersion;
            }
        }

        /// <summary>Rewrites the baton over our version; false when it was refused (someone else holds it now).</summary>
        private async Task<bool> BeatAsync(DateTimeOffset now, StreamSnapshot status, (string Outcome, string Detail)? ended, CancellationToken cancellationToken)
        {
            ShiftBaton baton;
            lock (gate)
            {
                baton = claimed! with
                {
                    BeatAt = now,
                    LiveAt = liveAt,
                    Takeover = takeover,
                    // Before its takeover, the minutes are the shift before's: its mark stands.
                    CoveredUntil = coveredUntil ?? claimed.CoveredUntil,
                    EndedAt = ended is null ? null : now,
                    EndReason = ended?.Detail,
                    Status = status,
                };
            }

            if (await Sink.WriteIfAsync(ShiftBaton.Key, baton.Serialize(), version, cancellationToken) is not { } written)
            {
                return false;
            }

            (claimed, version) = (baton, written);
            return true;
        }

        /// <summary>Why this shift may stop now that its successor streams, or null while it must go on.</summary>
        private string? HandedOver(DateTimeOffset now, LiveFeed feed)
        {
            ShiftBaton? next;
            lock (gate)
            {
                next = successor;
            }

            if (next is null)
            {
                return null;
            }

            if (next.Takeover is { } from)
            {
                // Every minute before its takeover is closed (and written) here, plus the overlap.
                var closedHere = feed.Status.ClosedUpTo is { } closed && closed >= from + LiveFeed.Grace;
                if (closedHere && now >= from + LiveFeed.Grace + Options.Overlap)
                {
                    return $"Shift {next.Shift} took over at {Fyers.Data.MarketTime.ToIst(from):HH:mm} IST.";
                }
            }

            // Not streaming here (never connected, or FYERS closed this connection for the new one)
            // while the new shift is live: nothing is gained by staying.
            return next.LiveAt is not null && feed.Status.State is not "live"
                ? $"Shift {next.Shift} is live and this shift's connection is not."
                : null;
        }

        /// <summary>
        /// The gap between the shift before and this one, once it can be known: reported, measured and
        /// refilled from REST. Not for the day's first shift (a late login is the token alarm's).
        /// </summary>
        private async Task SettleGapAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (gapSettled || before is null || takeover is not { } from)
            {
                return;
            }

            // The gap ends at our takeover: its last minute must have closed at FYERS before REST is asked.
            if (now < from + LiveFeed.Grace + TimeSpan.FromSeconds(5))
            {
                return;
            }

            DateTimeOffset? reached;
            if (predecessor is null)
            {
                reached = before.CoveredUntil; // it had ended or was gone when we came
            }
            else if (now < from + LiveFeed.Grace + Options.Overlap + TimeSpan.FromSeconds(5) && now != DateTimeOffset.MaxValue)
            {
                return; // it is still handing over
            }
            else if (ShiftReport.TryRead(await Sink.ReadAsync(ShiftReport.KeyOf(session!.Date, predecessor.Shift), cancellationToken)) is { } its)
            {
                reached = its.CoveredUntil ?? predecessor.CoveredUntil;
            }
            else if (now < from + Options.GoneAfter && now != DateTimeOffset.MaxValue)
            {
                return; // no record yet: give it the time a live shift needs to end
            }
            else
            {
                reached = predecessor.CoveredUntil; // killed: what it had written when we claimed
            }

            gapSettled = true;
            var since = reached ?? session!.Open;
            gap = Math.Max(0, (from - since).TotalSeconds);
            if (gap > 0)
            {
                Log.Gap(owner.Logger, id, Fyers.Data.MarketTime.ToIst(since).ToString("HH:mm", CultureInfo.InvariantCulture), Fyers.Data.MarketTime.ToIst(from).ToString("HH:mm", CultureInfo.InvariantCulture));
                if (now != DateTimeOffset.MaxValue)
                {
                    // The gap's minutes are closed at FYERS by now: REST's bars fill them, beside the
                    // stream (the shift keeps beating and uploading meanwhile).
                    refilling = Task.Run(
                        async () =>
                        {
                            try
                            {
                                await owner.Refill.RunIntradayAsync(cancellationToken);
                                refilled = true;
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                Log.RefillFailed(owner.Logger, e.Message);
                            }
                        },
                        CancellationToken.None);
                }
            }
        }

        /// <summary>The tick log's whole lines since the last upload, as one staging object.</summary>
        private async Task UploadAsync(CancellationToken cancellationToken)
        {
            var path = new TickLog(folder!).PathOf(session!.Date);
            if (!File.Exists(path))
            {
                return;
            }

            byte[] chunk;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true))
            {
                if (file.Length <= uploadedBytes)
                {
                    return;
                }

                file.Position = uploadedBytes;
                var bytes = new byte[file.Length - uploadedBytes];
                await file.ReadExactlyAsync(bytes, cancellationToken);
                var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
                if (end == 0)
                {
                    return;
                }

                chunk = bytes[..end];
            }

            await Sink.WriteAsync($"{StagingOf(session.Date)}{id}-{uploads:D4}.jsonl", chunk, cancellationToken);
            uploadedBytes += chunk.Length;
            uploads++;
        }

        private ShiftReport Report(string outcome, string detail, LiveStatus? status = null)
        {
            lock (gate)
            {
                return new ShiftReport(id, outcome, detail, session?.Date, startedAt, Market.GetUtcNow(), liveAt, takeover, coveredUntil, predecessor?.Shift, successor?.Shift, status?.Ticks ?? 0, barsWritten, uploads, status?.Reconnects ?? 0, gap, refilled);
            }
        }

        /// <summary>
        /// A call to the lake during the shift: a failure (S3 unreachable for a moment) is logged and
        /// the call tried again on a later turn; the stream itself goes on. False when it failed.
        /// </summary>
        private async Task<bool> LakeCallAsync(Func<Task> call)
        {
            try
            {
                await call();
                return true;
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or IOException or HttpRequestException)
            {
                Log.LakeCallFailed(owner.Logger, id, e.Message);
                return false;
            }
        }

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

        private static void TryDelete(string? folder)
        {
            try
            {
                if (folder is not null && Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
                // /tmp goes with the function; a stray folder costs nothing here.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Information, "Stream shift {Shift} claimed the watchlist (the shift before it: {Predecessor})")]
        public static partial void Claimed(ILogger logger, string shift, string predecessor);

        [LoggerMessage(71, LogLevel.Information, "Stream shift {Shift} ended {Outcome}: {Detail}")]
        public static partial void Ended(ILogger logger, string shift, string outcome, string detail);

        [LoggerMessage(72, LogLevel.Warning, "Stream shift {Shift}: no live bars from {From} to {To} IST (the shift before it stopped early or was gone); refilling them from REST")]
        public static partial void Gap(ILogger logger, string shift, string from, string to);

        [LoggerMessage(74, LogLevel.Warning, "Stream shift {Shift}: a call to the lake failed ({Reason}); tried again shortly")]
        public static partial void LakeCallFailed(ILogger logger, string shift, string reason);

        [LoggerMessage(73, LogLevel.Warning, "The REST refill of a handover gap failed: {Reason}; the next intraday run fetches the same minutes")]
        public static partial void RefillFailed(ILogger logger, string reason);
    }
}
