namespace PriceFeed.Sandbox.Market;

/// <summary>The state of a symbol's trading day at a moment: what quotes and depth report.</summary>
internal sealed record SyntheticQuote(string Symbol, DateOnly TradingDay, double Last, double Open, double High, double Low, double PreviousClose, long Volume, double AveragePrice)
{
    public static SyntheticQuote At(SyntheticMarket market, string symbol, DateTimeOffset now)
    {
        for (var day = SyntheticMarket.IstDate(now); day > SyntheticMarket.IstDate(now).AddDays(-15); day = day.AddDays(-1))
        {
            var bars = market.MinuteBars(symbol, day, now);
            if (bars.Count == 0)
            {
                continue;
            }

            var volume = bars.Sum(b => b.Volume);
            var turnover = bars.Sum(b => b.Volume * (b.High + b.Low + b.Close) / 3);
            return new SyntheticQuote(
                symbol,
                day,
                bars[^1].Close,
                bars[0].Open,
                bars.Max(b => b.High),
                bars.Min(b => b.Low),
                market.PreviousClose(symbol, day),
                volume,
                volume > 0 ? Math.Round(turnover / volume, 2) : bars[^1].Close);
        }

        var close = market.PreviousClose(symbol, SyntheticMarket.IstDate(now));
        return new SyntheticQuote(symbol, SyntheticMarket.IstDate(now), close, close, close, close, close, 0, close);
    }

    public double Change => Math.Round(Last - PreviousClose, 2);

    public double ChangePercent => PreviousClose == 0 ? 0 : Math.Round((Last - PreviousClose) / PreviousClose * 100, 2);
}
