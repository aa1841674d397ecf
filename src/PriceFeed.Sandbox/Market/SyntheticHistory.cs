namespace PriceFeed.Sandbox.Market;

/// <summary>Builds any FYERS resolution from the minute path, so resolutions agree with each other.</summary>
internal static class SyntheticHistory
{
    /// <summary>Bars of <paramref name="resolution"/> stamped inside [from, to] that have started by now; null for an unsupported resolution.</summary>
    public static List<Bar>? Build(SyntheticMarket market, string symbol, string resolution, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var code = resolution.Trim().ToUpperInvariant();
        var last = to < now ? to : now;
        var firstDate = SyntheticMarket.IstDate(from).AddDays(-1);
        var lastDate = SyntheticMarket.IstDate(last);
        var result = new List<Bar>();
        if (int.TryParse(code, out var minutes) && minutes > 0)
        {
            for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
            {
                foreach (var bar in Aggregate(market.MinuteBars(symbol, date, now), minutes))
                {
                    AddIfInside(result, bar, from, to);
                }
            }

            return result;
        }

        var daily = new List<Bar>();
        for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
        {
            var day = market.MinuteBars(symbol, date, now);
            if (day.Count > 0)
            {
                var stamp = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
                daily.Add(Combine(day) with { Time = stamp });
            }
        }

        switch (code)
        {
            case "D" or "1D":
                daily.ForEach(b => AddIfInside(result, b, from, to));
                return result;
            case "1W" or "W":
                GroupBy(daily, d => d.AddDays(-(((int)d.DayOfWeek + 6) % 7)).DayNumber).ForEach(b => AddIfInside(result, b, from, to));
                return result;
            case "1M" or "M":
                GroupBy(daily, d => (d.Year * 12) + d.Month).ForEach(b => AddIfInside(result, b, from, to));
                return result;
            default:
                return null;
        }
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

    private static Bar Combine(List<Bar> bars)
    {
        var bar = bars[0];
        for (var i = 1; i < bars.Count; i++)
        {
            bar = bar.Merge(bars[i]);
        }

        return bar;
    }

    private static List<Bar> GroupBy(List<Bar> daily, Func<DateOnly, int> key) =>
        [.. daily
            .GroupBy(b => key(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(b.Time).UtcDateTime)))
            .Select(g => Combine([.. g]))];

    private static void AddIfInside(List<Bar> result, Bar bar, DateTimeOffset from, DateTimeOffset to)
    {
        if (bar.Time >= from.ToUnixTimeSeconds() && bar.Time <= to.ToUnixTimeSeconds())
        {
            result.Add(bar);
        }
    }
}
