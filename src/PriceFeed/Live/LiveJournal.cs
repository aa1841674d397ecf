using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PriceFeed.Live;

/// <summary>A live bar as the stream built it, kept for the day's reconcile after REST replaced it in the lake.</summary>
/// <param name="DayVolume">The day's cumulative volume at the bar's last tick (null for indices).</param>
/// <param name="Complete">False for a minute the stream did not see whole (not written to the lake).</param>
public sealed record JournalBar(string Symbol, DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long? DayVolume, int Ticks, bool Complete);

/// <summary>What happened to the connection: "drop", "back" (subscribed again) or "refill" (the REST refill ran).</summary>
public sealed record JournalEvent(string Kind, DateTimeOffset At, string? Detail);

/// <summary>
/// The stream's day book (issue 21): every bar it built, complete or not, and every drop, return and
/// REST refill, one JSON line each in <c>{data}/live/journal/date=yyyy-MM-dd/journal.jsonl</c>. The
/// REST bars replace the live bars in the lake, so this is what the day's reconcile
/// (<see cref="LiveReconciler"/>) compares them with. Small: a line per symbol-minute. Appended under
/// a lock and flushed per batch; a line cut short by a crash is skipped on reading.
/// </summary>
public sealed class LiveJournal(string folder)
{
    private readonly Lock gate = new();

    public string Folder => folder;

    public string PathOf(DateOnly istDate) =>
        Path.Combine(folder, $"date={istDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", "journal.jsonl");

    /// <summary>The IST dates that have a journal, oldest first.</summary>
    public IReadOnlyList<DateOnly> Days() =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateDirectories(folder, "date=*")
                .Select(d => DateOnly.TryParseExact(Path.GetFileName(d)[5..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : (DateOnly?)null)
                .OfType<DateOnly>()
                .Where(d => File.Exists(PathOf(d)))
                .Order()]
            : [];

    public void Append(IEnumerable<LiveBar> bars)
    {
        foreach (var day in bars.GroupBy(b => Fyers.Data.MarketTime.IstDate(b.Start)))
        {
            Write(day.Key, day.Select(b => Line(w =>
            {
                w.WriteString("s", b.Symbol);
                w.WriteNumber("m", b.Start.ToUnixTimeSeconds());
                w.WriteNumber("o", b.Open);
                w.WriteNumber("h", b.High);
                w.WriteNumber("l", b.Low);
                w.WriteNumber("c", b.Close);
                w.WriteNumber("v", b.Volume);
                if (b.DayVolume is { } dv)
                {
                    w.WriteNumber("dv", dv);
                }

                w.WriteNumber("n", b.Ticks);
                w.WriteBoolean("ok", b.Complete);
            })));
        }
    }

    public void Append(JournalEvent e) =>
        Write(Fyers.Data.MarketTime.IstDate(e.At), [Line(w =>
        {
            w.WriteString("e", e.Kind);
            w.WriteNumber("at", e.At.ToUnixTimeMilliseconds());
            if (e.Detail is { } detail)
            {
                w.WriteString("d", detail);
            }
        })]);

    /// <summary>A day's bars and events; null when the stream kept no journal that day.</summary>
    public async Task<(List<JournalBar> Bars, List<JournalEvent> Events)?> ReadAsync(DateOnly istDate, CancellationToken cancellationToken)
    {
        var path = PathOf(istDate);
        if (!File.Exists(path))
        {
            return null;
        }

        var (bars, events) = (new List<JournalBar>(), new List<JournalEvent>());
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (r.TryGetProperty("s", out var s))
                {
                    bars.Add(new JournalBar(
                        s.GetString()!,
                        DateTimeOffset.FromUnixTimeSeconds(r.GetProperty("m").GetInt64()),
                        r.GetProperty("o").GetDecimal(),
                        r.GetProperty("h").GetDecimal(),
                        r.GetProperty("l").GetDecimal(),
                        r.GetProperty("c").GetDecimal(),
                        r.GetProperty("v").GetInt64(),
                        r.TryGetProperty("dv", out var dv) ? dv.GetInt64() : null,
                        r.GetProperty("n").GetInt32(),
                        r.GetProperty("ok").GetBoolean()));
                }
                else if (r.TryGetProperty("e", out var e))
                {
                    events.Add(new JournalEvent(e.GetString()!, DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("at").GetInt64()), r.TryGetProperty("d", out var d) ? d.GetString() : null));
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A line cut short by a crash: skipped, never misread.
            }
        }

        return (bars, events);
    }

    private static string Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Write(DateOnly day, IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        if (text.Length == 0)
        {
            return;
        }

        var path = PathOf(day);
        lock (gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, text.ToString());
        }
    }
}
