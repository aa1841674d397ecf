namespace PriceFeed.Sandbox.Market;

/// <summary>The state of a symbol's trading day at a moment: what quotes and depth report.</summary>
internal sealed record SyntheticQuote(string Symbol, DateOnly TradingDay, double Last, double Open, double High, double Low, double PreviousClose, long Volume, double AveragePrice)
{
    public static SyntheticQuote At(SyntheticMarket market, string symbol, DateTimeOffset now)
    {
        for (var day = SyntheticMarket.IstDate(now); day > SyntheticMarket.IstDate(now).AddDays(-15); day = day.AddDays(-1))
        {
            if (!market.IsTradingDay(day) || market.Tape(symbol, day).At(now) is not { LastTradeAt: { } at } s)
            {
                continue;
            }

            return new SyntheticQuote(
                symbol,
                day,
                s.Last,
                s.Open,
                s.High,
                s.Low,
                market.PreviousClose(symbol, day),
                s.Volume,
                s.Volume > 0 ? Math.Round(s.Turnover / s.Volume, 2) : s.Last)
            {
                LastTradeAt = at,
            };
        }

        var close = market.PreviousClose(symbol, SyntheticMarket.IstDate(now));
        return new SyntheticQuote(symbol, SyntheticMarket.IstDate(now), close, close, close, close, close, 0, close);
    }

    /// <summary>When the last trade so far happened: null when the symbol has not traded in the last fortnight.</summary>
    public DateTimeOffset? LastTradeAt { get; init; }

    public double Change => Math.Round(Last - PreviousClose, 2);

    public double ChangePercent => PreviousClose == 0 ? 0 : Math.Round((Last - PreviousClose) / PreviousClose * 100, 2);
}
