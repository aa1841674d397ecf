using System.Globalization;
using PriceFeed.Calendar;
using PriceFeed.Lake;

namespace PriceFeed.Live;

/// <summary>What compacting one day's tick log did.</summary>
public sealed record TickCompaction(DateOnly Date, int Ticks, int Duplicates, long Bytes, string Key);

/// <summary>
/// Turns a finished day's tick log (<see cref="TickLog"/>, one JSON line a tick) into the lake's
/// <c>ticks</c> dataset: one Parquet file per day (<see cref="LakeKeys.Ticks"/>), streamed a row group
/// at a time (<see cref="TickParquet"/>), with its hash recorded like every data file. A tick repeated
/// in a row group (a duplicated frame) is stored once. The log is deleted only after the file was read
/// back holding every tick; the file names the logs in it (their SHA-256), so a log whose deletion a
/// crash prevented is never added twice, and a day compacted twice (a stream restarted after the
/// close) merges with what the lake holds. A day is finished once its session closed, or any day
/// before the market's today. No day is ever held in memory: the stored file, the new one and the
/// one read back are files on local disk, streamed a row group at a time and hashed as they are
/// read (about 7.4 bytes a tick on disk: 1.7 GB for 5,000 symbols at two updates a second all day).
/// </summary>
internal sealed partial class TickCompactor(IDataSink sink, LakeWriter writer, Home.DataFolder home, MarketCalendar calendar, LiveClock clock, ILogger<TickCompactor> logger) : Ingestion.IEndOfDayStep
{
    /// <summary>The end-of-day job's step on AWS: finished days of staged ticks into Parquet.</summary>
    async Task<string?> Ingestion.IEndOfDayStep.RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var done = await CompactStagedFinishedAsync(cancellationToken);
            return done.Count == 0 ? null : $"Ticks compacted: {string.Join(", ", done.Select(d => $"{d.Date:yyyy-MM-dd} ({d.Ticks:N0})"))}.";
        }
        catch (Exception e) when (e is IOException or LakeBusyException or Amazon.Runtime.AmazonServiceException)
        {
            throw new IOException($"The staged ticks could not be compacted: {e.Message}", e);
        }
    }

    public string LogFolder => home.Combine("live", "ticks");

    /// <summary>The IST dates that have a tick log waiting, oldest first.</summary>
    public IReadOnlyList<DateOnly> PendingDays() =>
        Directory.Exists(LogFolder)
            ? [.. Directory.EnumerateDirectories(LogFolder, "date=*")
                .Select(d => DateOnly.TryParseExact(Path.GetFileName(d)[5..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : (DateOnly?)null)
                .OfType<DateOnly>()
                .Order()]
            : [];

    /// <summary>The pending days whose session is over: their logs are complete and belong in the lake.</summary>
    public IReadOnlyList<DateOnly> FinishedPendingDays()
    {
        var now = clock.Time.GetUtcNow();
        var today = Fyers.Data.MarketTime.IstDate(now);
        return [.. PendingDays().Where(date => date < today || (date == today && calendar.SessionOn(date) is { } session && now >= session.Close + LiveScheduler.AfterClose))];
    }

    /// <summary>Compacts every pending day whose session is over.</summary>
    public async Task<IReadOnlyList<TickCompaction>> CompactFinishedAsync(CancellationToken cancellationToken)
    {
        var done = new List<TickCompaction>();
        foreach (var date in FinishedPendingDays())
        {
            done.Add(await CompactAsync(date, cancellationToken));
        }

        return done;
    }

    public async Task<TickCompaction> CompactAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var logPath = new TickLog(LogFolder).PathOf(date);
        await using (await writer.AcquireAsync("ticks", cancellationToken))
        {
            var logHash = File.Exists(logPath) ? await TickLog.HashAsync(logPath, cancellationToken) : null;
            return await MergeAsync(date, logHash is null ? [] : [(logHash, logPath)], () =>
            {
                if (logHash is not null)
                {
                    File.Delete(logPath);
                    TryDeleteEmpty(Path.GetDirectoryName(logPath)!);
                }

                return Task.CompletedTask;
            }, cancellationToken);
        }
    }

    /// <summary>The IST dates with ticks the stream shifts staged in the lake (issue 22), oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> StagedDaysAsync(CancellationToken cancellationToken) =>
        [.. (await sink.ListAsync(StreamShift.StagingRoot, cancellationToken)).Select(LakeKeys.DateOf).OfType<DateOnly>().Distinct().Order()];

    /// <summary>The staged days whose session is over: every shift of them has uploaded its last piece.</summary>
    public async Task<IReadOnlyList<DateOnly>> FinishedStagedDaysAsync(CancellationToken cancellationToken)
    {
        var now = clock.Time.GetUtcNow();
        var today = Fyers.Data.MarketTime.IstDate(now);
        return [.. (await StagedDaysAsync(cancellationToken)).Where(date => date < today || calendar.SessionOn(date) is not { } session || now >= session.Close + LiveScheduler.AfterClose)];
    }

    /// <summary>Compacts every day of staged ticks whose session is over (the end-of-day job on AWS, and <c>verify --repair</c>).</summary>
    public async Task<IReadOnlyList<TickCompaction>> CompactStagedFinishedAsync(CancellationToken cancellationToken)
    {
        var done = new List<TickCompaction>();
        foreach (var date in await FinishedStagedDaysAsync(cancellationToken))
        {
            done.Add(await CompactStagedAsync(date, cancellationToken));
        }

        return done;
    }

    /// <summary>
    /// A day of ticks the stream shifts uploaded (<c>staging/ticks/date=…/</c>, each shift's log in
    /// pieces) into the day's Parquet: the pieces in key order (shift by shift, each in its order), a
    /// tick two shifts both saw in their overlap stored once, each piece recorded in the file by its
    /// key so a piece is never added twice, and the pieces deleted once the file read back whole.
    /// </summary>
    public async Task<TickCompaction> CompactStagedAsync(DateOnly date, CancellationToken cancellationToken)
    {
        await using (await writer.AcquireAsync("ticks", cancellationToken))
        {
            var keys = await sink.ListAsync(StreamShift.StagingOf(date), cancellationToken);
            var folder = Directory.CreateTempSubdirectory("pricefeed-staged-").FullName;
            try
            {
                // Each piece to its own file and recorded by its name, so a piece is added once
                // however many compactions (and crashes) it goes through.
                var pieces = new List<(string Id, string Path)>();
                foreach (var key in keys)
                {
                    var name = key[(key.LastIndexOf('/') + 1)..];
                    var path = Path.Combine(folder, name);
                    if (await sink.ReadToFileAsync(key, path, cancellationToken))
                    {
                        pieces.Add(($"staged:{name}", path));
                    }
                }

                return await MergeAsync(date, pieces, async () =>
                {
                    foreach (var key in keys)
                    {
                        await sink.DeleteAsync(key, CancellationToken.None);
                    }
                }, cancellationToken);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// The stored day (if any) and the new logs into one file, read back whole, then
    /// <paramref name="consumed"/> (the logs removed). A log whose id the stored file already names
    /// (compacted, then a crash before it was removed) is not added again: only removed.
    /// </summary>
    private async Task<TickCompaction> MergeAsync(DateOnly date, IReadOnlyList<(string Id, string Path)> newLogs, Func<Task> consumed, CancellationToken cancellationToken)
    {
        var key = LakeKeys.Ticks(date);
        // Three files on local disk, never a day in memory: the stored day (if any), the new one,
        // and the new one as the lake gives it back.
        var stem = Path.Combine(Path.GetTempPath(), $"pricefeed-ticks-{Guid.NewGuid():N}");
        var (storedPath, newPath, backPath) = ($"{stem}.stored.parquet", $"{stem}.parquet", $"{stem}.back.parquet");
        try
        {
            var hasStored = await sink.ReadToFileAsync(key, storedPath, cancellationToken);
            IReadOnlyList<string> storedLogs = [];
            if (hasStored)
            {
                await using var stored = OpenRead(storedPath);
                storedLogs = await TickParquet.LogsInAsync(stored, cancellationToken);
            }

            var adding = newLogs.Where(l => !storedLogs.Contains(l.Id)).ToList();
            var logs = storedLogs.Concat(adding.Select(l => l.Id)).ToList();
            long ticks;
            long duplicates;
            await using (var output = new FileStream(newPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
            {
                (ticks, duplicates) = await TickParquet.WriteAsync(Concat(hasStored ? storedPath : null, [.. adding.Select(l => l.Path)], cancellationToken), output, logs, cancellationToken);
            }

            var bytes = new FileInfo(newPath).Length;
            await LakeHashes.WriteFileAsync(sink, key, newPath, cancellationToken);
            var count = 0L;
            if (await sink.ReadToFileAsync(key, backPath, cancellationToken))
            {
                await using var back = OpenRead(backPath);
                await foreach (var _ in TickParquet.ReadEachAsync(back, cancellationToken))
                {
                    count++;
                }
            }

            if (count != ticks)
            {
                throw new IOException($"The compacted ticks of {date:yyyy-MM-dd} ({key}) did not read back whole; the tick logs are kept.");
            }

            await consumed();
            Log.Compacted(logger, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ticks, bytes, duplicates);
            return new TickCompaction(date, (int)ticks, (int)duplicates, bytes, key);
        }
        finally
        {
            foreach (var temp in new[] { storedPath, newPath, backPath })
            {
                File.Delete(temp);
            }
        }
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

    private static async IAsyncEnumerable<LiveTick> Concat(string? stored, IReadOnlyList<string> logs, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (stored is not null)
        {
            await using var file = OpenRead(stored);
            await foreach (var tick in TickParquet.ReadEachAsync(file, cancellationToken))
            {
                yield return tick;
            }
        }

        foreach (var log in logs)
        {
            await foreach (var tick in TickLog.ReadEachAsync(log, cancellationToken))
            {
                yield return tick;
            }
        }
    }

    private static void TryDeleteEmpty(string folder)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
            // Something appeared in it: it stays.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(66, LogLevel.Information, "Ticks of {Date} compacted into the lake: {Ticks} ticks, {Bytes} bytes ({Duplicates} duplicates stored once)")]
        public static partial void Compacted(ILogger logger, string date, long ticks, long bytes, long duplicates);
    }
}
