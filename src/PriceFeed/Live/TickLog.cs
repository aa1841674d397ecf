using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PriceFeed.Live;

/// <summary>
/// The ticks of the data socket as they arrive, appended to one file per IST day on the laptop's disk
/// (<c>{data}/live/ticks/date=yyyy-MM-dd/ticks.jsonl</c>), one JSON line each: symbol, exchange time
/// and arrival (epoch ms), price, the day's volume (scrips) and where it came from (fyers-live,
/// sandbox-live or sandbox-replay; synthetic and replayed ticks say so on every line). Lines are buffered and
/// made durable by <see cref="FlushAsync"/> (written and fsynced), which the stream calls every half
/// second: a kill -9 loses at most the ticks since the last flush, and a line cut short by it is
/// skipped on reading, never misread. FYERS keeps no tick history, so this file is the only copy
/// until the day is compacted into the lake.
/// </summary>
public sealed class TickLog(string folder, string source = "fyers-live", LiveLatencyProbe? probe = null) : IAsyncDisposable
{
    private readonly List<long> appendedAt = [];
    private readonly StringBuilder pending = new();
    private readonly Lock gate = new();
    private FileStream? file;
    private DateOnly? fileDate;

    /// <summary>Ticks appended since the start.</summary>
    public long Appended { get; private set; }

    /// <summary>The file of a day.</summary>
    public string PathOf(DateOnly istDate) =>
        Path.Combine(folder, $"date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", "ticks.jsonl");

    public void Append(LiveTick tick)
    {
        lock (gate)
        {
            var date = Fyers.Data.MarketTime.IstDate(tick.At);
            if (fileDate is { } open && open != date)
            {
                // A new IST day: what is buffered belongs to the old file, which the next flush closes.
                WriteLocked();
                file?.Flush(flushToDisk: true);
                file?.Dispose();
                file = null;
            }

            fileDate = date;
            pending.Append(CultureInfo.InvariantCulture, $"{{\"s\":{JsonSerializer.Serialize(tick.Symbol, LiveJsonContext.Default.String)},\"t\":{tick.At.ToUnixTimeMilliseconds()},\"p\":{tick.Price}");
            if (tick.DayVolume is { } volume)
            {
                pending.Append(CultureInfo.InvariantCulture, $",\"v\":{volume}");
            }

            if (tick.Bid is { } bid)
            {
                pending.Append(CultureInfo.InvariantCulture, $",\"b\":{bid}");
            }

            if (tick.Ask is { } ask)
            {
                pending.Append(CultureInfo.InvariantCulture, $",\"a\":{ask}");
            }

            if (tick.OpenInterest is { } oi)
            {
                pending.Append(CultureInfo.InvariantCulture, $",\"oi\":{oi}");
            }

            if (tick.ReceivedAt is { } received)
            {
                pending.Append(CultureInfo.InvariantCulture, $",\"r\":{received.ToUnixTimeMilliseconds()}");
            }

            pending.Append(CultureInfo.InvariantCulture, $",\"src\":\"{source}\"}}\n");
            if (probe is not null)
            {
                appendedAt.Add(System.Diagnostics.Stopwatch.GetTimestamp());
            }

            Appended++;
        }
    }

    /// <summary>Writes what is buffered and forces it to the disk.</summary>
    public Task FlushAsync()
    {
        lock (gate)
        {
            WriteLocked();
            file?.Flush(flushToDisk: true);
            if (probe is not null)
            {
                foreach (var at in appendedAt)
                {
                    probe.TickToDurable.Add(System.Diagnostics.Stopwatch.GetElapsedTime(at));
                }

                appendedAt.Clear();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A day's ticks in the order they were appended; a line a crash cut short is skipped.</summary>
    public static async Task<IReadOnlyList<LiveTick>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var ticks = new List<LiveTick>();
        await foreach (var tick in ReadEachAsync(path, cancellationToken))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    /// <summary>
    /// A day's ticks a line at a time (a day of thousands of symbols is gigabytes; never read whole).
    /// A line a crash cut short is not a whole JSON object and is skipped, never misread.
    /// </summary>
    public static async IAsyncEnumerable<LiveTick> ReadEachAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        // Lines are found and parsed as UTF-8 bytes (Utf8JsonReader), a buffer at a time: a day of
        // thousands of symbols is tens of millions of lines, and a string and a JsonDocument per line
        // made reading the log the slowest step of the end-of-day compaction.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: true);
        var buffer = new byte[1 << 20];
        var filled = 0;
        while (true)
        {
            var read = await file.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            filled += read;
            var start = 0;
            var ticks = new List<LiveTick>();
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (newline < 0)
                {
                    break;
                }

                if (Parse(buffer.AsSpan(start, newline - start)) is { } tick)
                {
                    ticks.Add(tick);
                }

                start = newline + 1;
            }

            foreach (var tick in ticks)
            {
                yield return tick;
            }

            if (read == 0)
            {
                // The end: what is left without a newline is a line a crash cut short, or the last line whole.
                if (filled > start && Parse(buffer.AsSpan(start, filled - start)) is { } last)
                {
                    yield return last;
                }

                yield break;
            }

            // Keep the unfinished line; grow the buffer if one line fills it.
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>The SHA-256 of a log's bytes: its identity, recorded in the day's Parquet once compacted.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>One line as a tick, or null when it is not a whole tick this log wrote (cut short by a crash, or foreign).</summary>
    private static LiveTick? Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0)
        {
            return null;
        }

        string? symbol = null;
        string? source = null;
        long? at = null;
        long? volume = null;
        long? received = null;
        long? oi = null;
        decimal? price = null;
        decimal? bid = null;
        decimal? ask = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return symbol is null || at is null || price is null
                        ? null
                        : new LiveTick(symbol, DateTimeOffset.FromUnixTimeMilliseconds(at.Value), price.Value, volume, received is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, bid, ask, oi) { Source = source };
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return null;
                }

                var name = reader.ValueSpan;
                if (!reader.Read())
                {
                    return null;
                }

                switch (name)
                {
                    case [(byte)'s']:
                        symbol = reader.GetString();
                        break;
                    case [(byte)'t']:
                        at = reader.GetInt64();
                        break;
                    case [(byte)'p']:
                        price = reader.GetDecimal();
                        break;
                    case [(byte)'v']:
                        volume = reader.GetInt64();
                        break;
                    case [(byte)'b']:
                        bid = reader.GetDecimal();
                        break;
                    case [(byte)'a']:
                        ask = reader.GetDecimal();
                        break;
                    case [(byte)'r']:
                        received = reader.GetInt64();
                        break;
                    case [(byte)'o', (byte)'i']:
                        oi = reader.GetInt64();
                        break;
                    case [(byte)'s', (byte)'r', (byte)'c']:
                        source = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return null; // no closing brace: a line cut short
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Not a tick this log wrote: skipped, the others still count.
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await FlushAsync();
        lock (gate)
        {
            file?.Dispose();
            file = null;
        }
    }

    private void WriteLocked()
    {
        if (pending.Length == 0 || fileDate is not { } date)
        {
            return;
        }

        if (file is null)
        {
            var path = PathOf(date);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }

        file.Write(Encoding.UTF8.GetBytes(pending.ToString()));
        pending.Clear();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class LiveJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
