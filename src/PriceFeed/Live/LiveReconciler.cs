using System.Globalization;
using System.Text;
using System.Text.Json;
using PriceFeed.Fyers.Data;
using PriceFeed.Lake;

namespace PriceFeed.Live;

/// <summary>One symbol's live bars of a day against the REST bars of the same minutes.</summary>
/// <param name="LiveBars">Whole minutes the stream built (and wrote to the lake until REST replaced them).</param>
/// <param name="Matched">Live bars with a REST bar of the same minute in the lake.</param>
/// <param name="ClosesMatch">Matched bars whose close equals REST's.</param>
/// <param name="HighLowWithinTick">Matched bars whose high and low are each within one tick of REST's.</param>
/// <param name="LiveVolume">The matched live bars' volume, summed.</param>
/// <param name="RestVolume">The same minutes' REST volume, summed.</param>
/// <param name="SocketDayVolume">The socket's cumulative day volume at the last live bar's last tick (null for indices).</param>
/// <param name="RestDayVolume">REST's volume summed from the open through that bar's minute.</param>
/// <param name="PartialMinutes">Minutes the stream saw only part of (a start or a reconnect inside them): no live bar.</param>
/// <param name="Gaps">REST minutes between the stream's first and last bar without a live bar: what REST filled.</param>
/// <param name="StillLive">Live bars REST has not replaced yet (the end-of-day job has not run, or FYERS had no bar).</param>
public sealed record SymbolReconcile(
    string Symbol,
    int LiveBars,
    int Matched,
    int ClosesMatch,
    int HighLowWithinTick,
    long LiveVolume,
    long RestVolume,
    long? SocketDayVolume,
    long? RestDayVolume,
    int PartialMinutes,
    int Gaps,
    int StillLive)
{
    /// <summary>True when every matched number agrees: closes, highs and lows within a tick, and both volumes.</summary>
    public bool Agrees => ClosesMatch == Matched && HighLowWithinTick == Matched && LiveVolume == RestVolume && SocketDayVolume == RestDayVolume && StillLive == 0;
}

/// <summary>A day's reconcile: the stream's live bars against REST's, per symbol, with the day's drops and refills.</summary>
public sealed record ReconcileReport(DateOnly Date, string Source, int Drops, TimeSpan Downtime, int Refills, IReadOnlyList<SymbolReconcile> Symbols)
{
    public bool Agrees => Symbols.All(s => s.Agrees);
}

/// <summary>
/// The day's reconcile after the close (issue 21): the bars the stream built (its
/// <see cref="LiveJournal"/>) against the REST 1-minute bars that replaced them in the lake. Per
/// symbol: closes that match, highs and lows within one tick (₹0.05, NSE's usual equity tick),
/// summed live volume against REST's for the same minutes, the socket's final cumulative volume
/// against REST's summed volume through that minute, partial minutes, and the gaps REST filled; per
/// day, drops, downtime and refills. Stored in the lake at
/// <c>reports/reconcile/date=yyyy-MM-dd/reconcile.json</c>; <c>serve</c> makes it after each
/// end-of-day run, <c>pricefeed reconcile</c> on demand.
/// </summary>
internal sealed class LiveReconciler(CandleLake lake, IDataSink sink, LiveFeed feed) : Ingestion.IStreamedDayCheck
{
    async Task<string?> Ingestion.IStreamedDayCheck.AfterEndOfDayAsync(DateOnly date, CancellationToken cancellationToken) =>
        await ReconcileIfStreamedAsync(date, cancellationToken) is { } report
            ? report.Agrees ? "every live bar agrees with REST" : "some live bars differ from REST ('pricefeed reconcile' shows which)"
            : null;

    /// <summary>One tick of an NSE equity price: the tolerance for a sampled high or low.</summary>
    public const decimal Tick = 0.05m;

    public static string KeyOf(DateOnly date) => LakeKeys.Reconcile(date);

    public IReadOnlyList<DateOnly> StreamedDays() => feed.Journal.Days();

    /// <summary>Reconciles a day and stores the report; null when the stream kept no journal that day.</summary>
    public async Task<ReconcileReport?> ReconcileAsync(DateOnly date, CancellationToken cancellationToken)
    {
        if (await feed.Journal.ReadAsync(date, cancellationToken) is not var (bars, events))
        {
            return null;
        }

        var rows = await lake.ReadAsync(Resolution.OneMinute.Code, date, cancellationToken);
        var restBySymbol = rows.Where(r => !CandleRow.IsLive(r.Source)).GroupBy(r => r.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.TsUtc), StringComparer.Ordinal);
        var stillLive = rows.Where(r => CandleRow.IsLive(r.Source)).GroupBy(r => r.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var symbols = new List<SymbolReconcile>();
        foreach (var group in bars.GroupBy(b => b.Symbol, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rest = restBySymbol.GetValueOrDefault(group.Key) ?? [];
            // A minute journaled twice (a stream restarted inside a session) counts once: the later.
            var whole = group.Where(b => b.Complete).GroupBy(b => b.Start).Select(g => g.Last()).OrderBy(b => b.Start).ToList();
            var partial = group.Where(b => !b.Complete).Select(b => b.Start).Distinct().Count(start => !whole.Exists(b => b.Start == start));
            int matched = 0, closes = 0, highLow = 0;
            long liveVolume = 0, restVolume = 0;
            foreach (var bar in whole)
            {
                if (!rest.TryGetValue(bar.Start.ToUnixTimeSeconds(), out var r))
                {
                    continue;
                }

                matched++;
                closes += (decimal)r.Close == bar.Close ? 1 : 0;
                highLow += Math.Abs((decimal)r.High - bar.High) <= Tick && Math.Abs((decimal)r.Low - bar.Low) <= Tick ? 1 : 0;
                liveVolume += bar.Volume;
                restVolume += r.Volume;
            }

            long? socketDay = null, restDay = null;
            if (group.Where(b => b.DayVolume is not null).MaxBy(b => b.Start) is { } last)
            {
                socketDay = last.DayVolume;
                restDay = rest.Values.Where(r => r.TsUtc <= last.Start.ToUnixTimeSeconds()).Sum(r => r.Volume);
            }

            var gaps = 0;
            if (whole.Count > 0)
            {
                var (first, end) = (whole[0].Start.ToUnixTimeSeconds(), whole[^1].Start.ToUnixTimeSeconds());
                var seen = whole.Select(b => b.Start.ToUnixTimeSeconds()).ToHashSet();
                gaps = rest.Keys.Count(ts => ts > first && ts < end && !seen.Contains(ts));
            }

            symbols.Add(new SymbolReconcile(group.Key, whole.Count, matched, closes, highLow, liveVolume, restVolume, socketDay, restDay, partial, gaps, stillLive.GetValueOrDefault(group.Key)));
        }

        var downtime = TimeSpan.Zero;
        DateTimeOffset? down = null;
        foreach (var e in events.OrderBy(e => e.At))
        {
            if (e.Kind == "drop")
            {
                down ??= e.At;
            }
            else if (e.Kind == "back" && down is { } since)
            {
                downtime += e.At - since;
                down = null;
            }
        }

        var source = rows.Where(r => CandleRow.IsLive(r.Source)).Select(r => r.Source).FirstOrDefault()
            ?? (rows.Any(r => r.Source == "sandbox") ? "sandbox" : "fyers");
        var report = new ReconcileReport(date, source, events.Count(e => e.Kind == "drop"), downtime, events.Count(e => e.Kind == "refill"), symbols);
        await sink.WriteAsync(KeyOf(date), ToJson(report), cancellationToken);
        return report;
    }

    /// <summary>Reconciles the day if the stream kept a journal of it; what <c>serve</c> does after the end-of-day run.</summary>
    public async Task<ReconcileReport?> ReconcileIfStreamedAsync(DateOnly date, CancellationToken cancellationToken) =>
        File.Exists(feed.Journal.PathOf(date)) ? await ReconcileAsync(date, cancellationToken) : null;

    public static byte[] ToJson(ReconcileReport report)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("date", report.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteBoolean("agrees", report.Agrees);
            w.WriteNumber("drops", report.Drops);
            w.WriteNumber("downtime_seconds", (long)report.Downtime.TotalSeconds);
            w.WriteNumber("refills", report.Refills);
            w.WriteStartArray("symbols");
            foreach (var s in report.Symbols)
            {
                w.WriteStartObject();
                w.WriteString("symbol", s.Symbol);
                w.WriteNumber("live_bars", s.LiveBars);
                w.WriteNumber("matched", s.Matched);
                w.WriteNumber("closes_match", s.ClosesMatch);
                w.WriteNumber("high_low_within_tick", s.HighLowWithinTick);
                w.WriteNumber("live_volume", s.LiveVolume);
                w.WriteNumber("rest_volume", s.RestVolume);
                if (s.SocketDayVolume is { } socket)
                {
                    w.WriteNumber("socket_day_volume", socket);
                    w.WriteNumber("rest_day_volume", s.RestDayVolume ?? 0);
                }

                w.WriteNumber("partial_minutes", s.PartialMinutes);
                w.WriteNumber("gaps_filled_by_rest", s.Gaps);
                w.WriteNumber("still_live", s.StillLive);
                w.WriteBoolean("agrees", s.Agrees);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The report as lines a person reads: a table and a one-line verdict.</summary>
    public static string ToText(ReconcileReport report)
    {
        static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reconcile of {report.Date:yyyy-MM-dd} ({report.Source}): the stream's live bars against the REST bars of the same minutes");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"symbol",-24} {"live",5} {"matched",7} {"closes",6} {"hi/lo±tick",10} {"volume live/REST",23} {"day volume socket/REST",27} {"gaps",5} {"partial",7}");
        foreach (var s in report.Symbols)
        {
            var volume = s.LiveVolume == 0 && s.RestVolume == 0 ? "-" : $"{N(s.LiveVolume)}/{N(s.RestVolume)}";
            var day = s.SocketDayVolume is { } sd ? $"{N(sd)}/{N(s.RestDayVolume ?? 0)}" : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Symbol,-24} {s.LiveBars,5} {s.Matched,7} {s.ClosesMatch,6} {s.HighLowWithinTick,10} {volume,23} {day,27} {s.Gaps,5} {s.PartialMinutes,7}");
        }

        var waiting = report.Symbols.Sum(s => s.StillLive);
        var differ = report.Symbols.Where(s => !s.Agrees).Select(s => s.Symbol).ToList();
        text.Append(CultureInfo.InvariantCulture, $"Drops {report.Drops} ({(long)report.Downtime.TotalSeconds} s down) · REST refills {report.Refills}. ");
        text.AppendLine(
            waiting > 0 ? $"{waiting} live bars not replaced by REST yet: run 'pricefeed backfill --from {report.Date:yyyy-MM-dd} --to {report.Date:yyyy-MM-dd}', then 'pricefeed reconcile --date {report.Date:yyyy-MM-dd}'."
            : differ.Count == 0 ? "Every live bar agrees with REST."
            : $"Differences for {string.Join(", ", differ)}: the socket sends samples, not every trade; REST's bars are the ones kept.");
        return text.ToString();
    }
}
