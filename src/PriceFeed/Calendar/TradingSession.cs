namespace PriceFeed.Calendar;

/// <summary>One IST trading session: a normal day (09:15-15:30) or a special one such as Muhurat.</summary>
public sealed record TradingSession(DateOnly Date, DateTimeOffset Open, DateTimeOffset Close, bool IsSpecial, string? Name)
{
    public bool Contains(DateTimeOffset instant) => instant >= Open && instant < Close;

    public TimeSpan Length => Close - Open;
}
