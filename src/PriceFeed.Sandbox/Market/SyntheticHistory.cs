namespace PriceFeed.Sandbox.Market;

/// <summary>Builds any FYERS resolution from the minute path, so resolutions agree with each other.</summary>
internal static class SyntheticHistory
{
    public enum Kind
    {
        Seconds,
        Minutes,
        Day,
        Week,
        Month,
    }

    /// <summary>The kind of a documented resolution (the handler refuses every other spelling first).</summary>
    public static Kind KindOf(string resolution) => resolution switch
    {
        "D" or "1D" => Kind.Day,
        "1W" => Kind.Week,
        "1M" => Kind.Month,
        _ when resolution.EndsWith('S') => Kind.Seconds,
        _ => Kind.Minutes,
    };

    /// <summary>
    /// Bars of <paramref name="resolution"/> that have started by now. Seconds, minute and daily bars
    /// are returned when their start is inside [from, to]. A weekly or monthly bar covers its whole
    /// calendar week (Monday to Sunday, IST) or month, whatever part of it the range names, and is
    /// returned when that period overlaps the range; it is stamped 00:00 UTC of the period's first
    /// trading day, as daily bars are stamped (the stamp and the overlap rule are unconfirmed for
    /// FYERS: docs/fyers-protocol.md §12).
    /// </summary>
    public static List<Bar> Build(SyntheticMarket market, string symbol, string resolution, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var last = to < now ? to : now;
        var firstDate = SyntheticMarket.IstDate(from).AddDays(-1);
        var lastDate = SyntheticMarket.IstDate(last);
        var result = new List<Bar>();
        var kind = KindOf(resolution);
        if (kind is Kind.Minutes or Kind.Seconds)
        {
            // Seconds bars are built from 5-second bars, the finest FYERS serves, so 45S bars span
            // minute boundaries as buckets aligned to 09:15 do.
            var size = int.Parse(kind == Kind.Minutes ? resolution : resolution[..^1], System.Globalization.CultureInfo.InvariantCulture);
            for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
            {
                var bars = kind == Kind.Minutes
                    ? Aggregate(market.MinuteBars(symbol, date, now), size)
                    : Aggregate(FiveSecondBars(market, symbol, date, now), size / FiveSeconds);
                foreach (var bar in bars)
                {
                    AddIfInside(result, bar, from, to);
                }
            }

            return result;
        }

        if (kind == Kind.Day)
        {
            for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
            {
                if (Daily(market, symbol, date, now) is { } bar)
                {
                    AddIfInside(result, bar, from, to);
                }
            }

            return result;
        }

        // Whole calendar periods: from the first day of the period holding the range's first date.
        var fromDate = SyntheticMarket.IstDate(from);
        var periodStart = kind == Kind.Week ? fromDate.AddDays(-(((int)fromDate.DayOfWeek + 6) % 7)) : new DateOnly(fromDate.Year, fromDate.Month, 1);
        while (periodStart <= lastDate)
        {
            var periodEnd = kind == Kind.Week ? periodStart.AddDays(7) : periodStart.AddMonths(1);
            var days = new List<Bar>();
            for (var date = periodStart; date < periodEnd && date <= SyntheticMarket.IstDate(now); date = date.AddDays(1))
            {
                if (Daily(market, symbol, date, now) is { } bar)
                {
                    days.Add(bar);
                }
            }

            if (days.Count > 0)
            {
                result.Add(Combine(days));
            }

            periodStart = periodEnd;
        }

        return result;
    }

    /// <summary>The day's bar stamped 00:00 UTC of its date, or null on a day without trading (yet).</summary>
    private static Bar? Daily(SyntheticMarket market, string symbol, DateOnly date, DateTimeOffset now)
    {
        var day = market.MinuteBars(symbol, date, now);
        return day.Count == 0 ? null : Combine(day) with { Time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() };
    }

    /// <summary>Buckets of N minutes aligned to the 09:15 session start, as FYERS aligns intraday bars.</summary>
    private static IEnumerable<Bar> Aggregate(List<Bar> minutes, int size)
    {
        for (var i = 0; i < minutes.Count; i += size)
        {
            var bar = minutes[i];
            for (var j = i + 1; j < Math.Min(i + size, minutes.Count); j++)
            {
                bar = bar.Merge(minutes[j]);
            }

            yield return bar;
        }
    }

    private const int FiveSeconds = 5;

    /// <summary>
    /// A day's 5-second bars so far: each is the aggregation of the trades in its five seconds
    /// (<see cref="TradeTape"/>), so twelve of them add up to their minute bar exactly.
    /// </summary>
    private static List<Bar> FiveSecondBars(SyntheticMarket market, string symbol, DateOnly date, DateTimeOffset now)
    {
        var bars = new List<Bar>();
        if (!market.IsTradingDay(date))
        {
            return bars;
        }

        var tape = market.Tape(symbol, date);
        var perBucket = FiveSeconds * tape.TradesPerSecond;
        for (var i = 0; i < tape.Minutes.Length; i++)
        {
            var minute = tape.Minutes[i];
            var count = tape.TradesBy(minute, now);
            if (count == 0)
            {
                break;
            }

            var trades = tape.TradesOf(i).AsSpan(0, count);
            for (var start = 0; start < count; start += perBucket)
            {
                bars.Add(TradeTape.Aggregate(trades[start..Math.Min(count, start + perBucket)], minute.Time + (start / tape.TradesPerSecond)));
            }
        }

        return bars;
    }

    private static Bar Combine(List<Bar> bars)
    {
        var bar = bars[0];
        for (var i = 1; i < bars.Count; i++)
        {
            bar = bar.Merge(bars[i]);
        }

        return bar;
    }

    private static void AddIfInside(List<Bar> result, Bar bar, DateTimeOffset from, DateTimeOffset to)
    {
        if (bar.Time >= from.ToUnixTimeSeconds() && bar.Time <= to.ToUnixTimeSeconds())
        {
            result.Add(bar);
        }
    }
}
