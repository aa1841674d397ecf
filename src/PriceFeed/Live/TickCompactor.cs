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
/// before the market's today. The file is held in memory once to hash and store it (about 8 bytes a
/// tick: 36 MB for 200 symbols at one update a second); a day of thousands of symbols would want a
/// file per symbol-day, which is not built.
/// </summary>
internal sealed partial class TickCompactor(IDataSink sink, LakeWriter writer, Home.DataFolder home, MarketCalendar calendar, LiveClock clock, ILogger<TickCompactor> logger)
{
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
        var key = LakeKeys.Ticks(date);
        await using (await writer.AcquireAsync("ticks", cancellationToken))
        {
            var logHash = File.Exists(logPath) ? await TickLog.HashAsync(logPath, cancellationToken) : null;
            var stored = await sink.ReadAsync(key, cancellationToken);
            var storedLogs = stored is null ? [] : await TickParquet.LogsInAsync(stored, cancellationToken);
            var logs = storedLogs.Concat(logHash is null || storedLogs.Contains(logHash) ? [] : [logHash]).ToList();

            // A log the stored file already holds (compacted, then a crash before the log was
            // deleted) is not added again: only deleted.
            var addLog = logHash is not null && !storedLogs.Contains(logHash);
            var temp = Path.Combine(Path.GetTempPath(), $"pricefeed-ticks-{Guid.NewGuid():N}.parquet");
            try
            {
                long ticks;
                long duplicates;
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
                {
                    (ticks, duplicates) = await TickParquet.WriteAsync(Concat(stored, addLog ? logPath : null, cancellationToken), output, logs, cancellationToken);
                }

                // Held once in memory to hash and store it: about 8 bytes a tick.
                var bytes = await File.ReadAllBytesAsync(temp, cancellationToken);
                await LakeHashes.WriteAsync(sink, key, bytes, cancellationToken);
                var back = await sink.ReadAsync(key, cancellationToken);
                var count = 0L;
                if (back is not null)
                {
                    await foreach (var _ in TickParquet.ReadEachAsync(back, cancellationToken))
                    {
                        count++;
                    }
                }

                if (count != ticks)
                {
                    throw new IOException($"The compacted ticks of {date:yyyy-MM-dd} ({key}) did not read back whole; the tick log {logPath} is kept.");
                }

                if (logHash is not null)
                {
                    File.Delete(logPath);
                    TryDeleteEmpty(Path.GetDirectoryName(logPath)!);
                }

                Log.Compacted(logger, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ticks, bytes.Length, duplicates);
                return new TickCompaction(date, (int)ticks, (int)duplicates, bytes.Length, key);
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    private static async IAsyncEnumerable<LiveTick> Concat(byte[]? stored, string? log, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (stored is not null)
        {
            await foreach (var tick in TickParquet.ReadEachAsync(stored, cancellationToken))
            {
                yield return tick;
            }
        }

        if (log is not null)
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
        public static partial void Compacted(ILogger logger, string date, long ticks, int bytes, long duplicates);
    }
}
