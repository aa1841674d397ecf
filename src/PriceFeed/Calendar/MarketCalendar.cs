using System.Reflection;
using System.Text.Json;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Calendar;

/// <summary>
/// NSE sessions in IST: weekends, the holiday list, special sessions (Muhurat, sometimes on a weekend)
/// and the closing-auction timings from 3 Aug 2026. Every answer is in explicit Asia/Kolkata time,
/// whatever the host's zone (fyers-protocol.md §13.7). The data is a versioned file, replaceable by configuration.
/// </summary>
public sealed class MarketCalendar
{
    private readonly Dictionary<DateOnly, SpecialSessionEntry> specials;
    private readonly CalendarFile file;
    private readonly IReadOnlyList<HolidayEntry> configured;

    // Replaced whole (never changed in place) when holidays arrive from the holidays parameter, so a
    // reader on another thread sees either the old list or the new one.
    private volatile HolidayTable table;

    private MarketCalendar(CalendarFile file, IReadOnlyList<HolidayEntry> configured)
    {
        this.file = file;
        this.configured = configured;
        specials = (file.SpecialSessions ?? []).ToDictionary(s => s.Date);
        table = HolidayTable.Build(file, configured, []);
    }

    public string Version => file.Version;

    public static MarketCalendar Load(CalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CalendarFile? parsed;
        if (!string.IsNullOrWhiteSpace(options.File))
        {
            try
            {
                parsed = JsonSerializer.Deserialize(File.ReadAllBytes(options.File), CalendarJsonContext.Default.CalendarFile);
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Calendar:File '{options.File}' cannot be read as a market calendar: {e.Message}", e);
            }
        }
        else
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("PriceFeed.Calendar.nse-calendar.json")!;
            parsed = JsonSerializer.Deserialize(stream, CalendarJsonContext.Default.CalendarFile);
        }

        var configured = HolidayText.Parse(options.Holidays, "Calendar:Holidays");
        return new MarketCalendar(parsed ?? throw new InvalidOperationException("The market calendar is empty."), configured);
    }

    /// <summary>
    /// True when this year's holidays are known: the calendar file lists the year, or added holidays
    /// (Calendar:Holidays, the holidays parameter) name a date in it. Other years only know weekends.
    /// </summary>
    public bool Covers(DateOnly date) => table.CoveredYears.Contains(date.Year);

    /// <summary>The last year whose holidays are known, counting on from the first covered year without a gap.</summary>
    public int LastCoveredYear(int from)
    {
        var year = from;
        while (table.CoveredYears.Contains(year + 1))
        {
            year++;
        }

        return year;
    }

    /// <summary>Holidays read at run time (the holidays parameter on AWS), on top of the file and the configuration.</summary>
    internal void UseAddedHolidays(IReadOnlyList<HolidayEntry> added) => table = HolidayTable.Build(file, configured, added);

    /// <summary>Weekdays closed all day (holidays without a special session), for the sandbox's synthetic market.</summary>
    public IEnumerable<DateOnly> FullClosures => table.Holidays.Keys.Where(d => !specials.ContainsKey(d)).Order();

    public string? HolidayName(DateOnly date) => table.Holidays.TryGetValue(date, out var name) ? name : null;

    /// <summary>The session on an IST date, or null when the market is closed all day.</summary>
    public TradingSession? SessionOn(DateOnly date)
    {
        if (specials.TryGetValue(date, out var special))
        {
            return new TradingSession(date, MarketTime.At(date, special.Open), MarketTime.At(date, special.Close), true, special.Name);
        }

        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || table.Holidays.ContainsKey(date))
        {
            return null;
        }

        return new TradingSession(date, MarketTime.At(date, file.NormalSession.Open), MarketTime.At(date, file.NormalSession.Close), false, null);
    }

    public bool IsTradingDay(DateOnly date) => SessionOn(date) is not null;

    /// <summary>The session running at <paramref name="instant"/>, if any.</summary>
    public TradingSession? SessionAt(DateTimeOffset instant) =>
        SessionOn(MarketTime.IstDate(instant)) is { } s && s.Contains(instant) ? s : null;

    /// <summary>The last session that started before <paramref name="instant"/> (possibly still running).</summary>
    public TradingSession? LatestSessionStartedBy(DateTimeOffset instant)
    {
        for (var date = MarketTime.IstDate(instant); date > MarketTime.IstDate(instant).AddDays(-30); date = date.AddDays(-1))
        {
            if (SessionOn(date) is { } s && s.Open <= instant)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The first session that opens after <paramref name="instant"/>.</summary>
    public TradingSession? NextSessionAfter(DateTimeOffset instant)
    {
        for (var date = MarketTime.IstDate(instant); date < MarketTime.IstDate(instant).AddDays(30); date = date.AddDays(1))
        {
            if (SessionOn(date) is { } s && s.Open > instant)
            {
                return s;
            }
        }

        return null;
    }

    public IEnumerable<TradingSession> Sessions(DateOnly from, DateOnly to)
    {
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (SessionOn(date) is { } s)
            {
                yield return s;
            }
        }
    }

    /// <summary>
    /// Bars a liquid instrument should have in a session. From the closing-auction start date, F&amp;O
    /// stocks trade continuously only until 15:15 (the auction follows), so they expect fewer bars.
    /// </summary>
    public int ExpectedBars(TradingSession session, Resolution resolution, bool isFnoStock)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!resolution.IsIntraday || resolution.BarLength is not { } bar)
        {
            return 1;
        }

        var close = session.Close;
        if (!session.IsSpecial && isFnoStock && file.ClosingAuctionFrom is { } cas && session.Date >= cas && file.ClosingAuction is { } auction)
        {
            close = MarketTime.At(session.Date, auction.ContinuousCloseForFnoStocks);
        }

        return (int)Math.Ceiling((close - session.Open) / bar);
    }

    private sealed record HolidayTable(Dictionary<DateOnly, string> Holidays, HashSet<int> CoveredYears)
    {
        public static HolidayTable Build(CalendarFile file, IReadOnlyList<HolidayEntry> configured, IReadOnlyList<HolidayEntry> added)
        {
            var holidays = file.Holidays.Values.SelectMany(h => h).ToDictionary(h => h.Date, h => h.Name);
            foreach (var extra in configured.Concat(added))
            {
                holidays.TryAdd(extra.Date, extra.Name);
            }

            HashSet<int> years = [.. file.Holidays.Keys.Select(int.Parse), .. configured.Concat(added).Select(h => h.Date.Year)];
            return new HolidayTable(holidays, years);
        }
    }
}
