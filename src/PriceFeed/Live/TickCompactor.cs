using System.Globalization;
using PriceFeed.Calendar;
using PriceFeed.Lake;

namespace PriceFeed.Live;

/// <summary>What compacting one day's tick log did.</summary>
public sealed record TickCompaction(DateOnly Date, int Ticks, int Duplicates, long Bytes, string Key);

/// <summary>
/// Turns a finished day's tick log (<see cref="TickLog"/>, one JSON line a tick) into the lake's
/// <c>ticks</c> dataset: one Parquet file per day (<see cref="LakeKeys.Ticks"/>), sorted by symbol and
/// time, with its hash recorded like every data file. A tick seen twice (the same exchange time,
/// price and volume, as after a duplicated frame) is stored once. The log is deleted only after the
/// file was read back and holds every tick of it; a day compacted twice (a stream restarted after
/// the close) merges with what the lake holds. A day is finished once its session closed, or any
/// day before the market's today.
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
        var logged = await TickLog.ReadAsync(logPath, cancellationToken);
        var key = LakeKeys.Ticks(date);
        await using (await writer.AcquireAsync("ticks", cancellationToken))
        {
            var stored = await sink.ReadAsync(key, cancellationToken) is { } existing ? await TickParquet.ReadAsync(existing, cancellationToken) : [];
            var all = new List<LiveTick>(stored.Count + logged.Count);
            var seen = new HashSet<(string, DateTimeOffset, decimal, long?)>();
            var duplicates = 0;
            foreach (var tick in stored.Concat(logged))
            {
                if (seen.Add((tick.Symbol, tick.At, tick.Price, tick.DayVolume)))
                {
                    all.Add(tick);
                }
                else
                {
                    duplicates++;
                }
            }

            var bytes = await TickParquet.WriteAsync(all, cancellationToken);
            await LakeHashes.WriteAsync(sink, key, bytes, cancellationToken);
            var back = await sink.ReadAsync(key, cancellationToken);
            if (back is null || (await TickParquet.ReadAsync(back, cancellationToken)).Count != all.Count)
            {
                throw new IOException($"The compacted ticks of {date:yyyy-MM-dd} ({key}) did not read back whole; the tick log {logPath} is kept.");
            }

            File.Delete(logPath);
            TryDeleteEmpty(Path.GetDirectoryName(logPath)!);
            Log.Compacted(logger, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), all.Count, bytes.Length, duplicates);
            return new TickCompaction(date, all.Count, duplicates, bytes.Length, key);
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
        public static partial void Compacted(ILogger logger, string date, int ticks, int bytes, int duplicates);
    }
}
