using System.Globalization;

namespace PriceFeed.Fyers.Data;

/// <summary>
/// A history range. Dates (date_format=1, IST trading dates, both ends included) or instants
/// (date_format=0, epoch seconds) as FYERS accepts both (fyers-protocol.md §9).
/// </summary>
public sealed record HistoryRequest
{
    /// <summary>FYERS has no history before this date (fyers-protocol.md §9).</summary>
    public static readonly DateOnly EarliestDate = new(2017, 7, 3);

    private HistoryRequest(string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset to, DateOnly? fromDate, DateOnly? toDate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (resolution.Code is null)
        {
            throw new ArgumentException("A resolution is required.", nameof(resolution));
        }

        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to:u}) before it starts ({from:u}).", nameof(to));
        }

        Symbol = symbol.Trim();
        Resolution = resolution;
        From = from;
        To = to;
        FromDate = fromDate;
        ToDate = toDate;
    }

    public string Symbol { get; }

    public Resolution Resolution { get; }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    public DateOnly? FromDate { get; }

    public DateOnly? ToDate { get; }

    public bool UsesDates => FromDate is not null;

    /// <summary>Whole IST trading dates, both included.</summary>
    public static HistoryRequest ForDates(string symbol, Resolution resolution, DateOnly from, DateOnly to)
    {
        if (from < EarliestDate)
        {
            throw new ArgumentException($"FYERS has history only from {EarliestDate:yyyy-MM-dd}; the range starts {from:yyyy-MM-dd}.", nameof(from));
        }

        return new HistoryRequest(symbol, resolution, MarketTime.At(from, TimeOnly.MinValue), MarketTime.At(to, new TimeOnly(23, 59, 59)), from, to);
    }

    /// <summary>Instants, both included (epoch seconds on the wire).</summary>
    public static HistoryRequest ForRange(string symbol, Resolution resolution, DateTimeOffset from, DateTimeOffset to)
    {
        if (MarketTime.IstDate(from) < EarliestDate)
        {
            throw new ArgumentException($"FYERS has history only from {EarliestDate:yyyy-MM-dd}.", nameof(from));
        }

        return new HistoryRequest(symbol, resolution, TruncateToSecond(from), TruncateToSecond(to), null, null);
    }

    /// <summary>True when one request may cover the whole range.</summary>
    public bool FitsOneRequest => DaySpan <= Resolution.MaxDaysPerRequest;

    /// <summary>Calendar days the range touches (dates) or spans (instants, rounded up).</summary>
    public int DaySpan => UsesDates
        ? ToDate!.Value.DayNumber - FromDate!.Value.DayNumber + 1
        : (int)Math.Ceiling((To - From + TimeSpan.FromSeconds(1)).TotalDays);

    /// <summary>Splits the range into requests FYERS accepts, in time order, without gaps or overlaps.</summary>
    public IReadOnlyList<HistoryRequest> Split()
    {
        var max = Resolution.MaxDaysPerRequest;
        var chunks = new List<HistoryRequest>();
        if (UsesDates)
        {
            for (var start = FromDate!.Value; start <= ToDate!.Value; start = start.AddDays(max))
            {
                var end = start.AddDays(max - 1);
                chunks.Add(ForDates(Symbol, Resolution, start, end < ToDate.Value ? end : ToDate.Value));
            }
        }
        else
        {
            var span = TimeSpan.FromDays(max);
            for (var start = From; start <= To; start += span)
            {
                var end = start + span - TimeSpan.FromSeconds(1);
                chunks.Add(new HistoryRequest(Symbol, Resolution, start, end < To ? end : To, null, null));
            }
        }

        return chunks;
    }

    /// <summary>The query string of this (single) request.</summary>
    public string ToQuery()
    {
        var range = UsesDates
            ? $"date_format=1&range_from={FromDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&range_to={ToDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            : $"date_format=0&range_from={From.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}&range_to={To.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        return $"symbol={Uri.EscapeDataString(Symbol)}&resolution={Uri.EscapeDataString(Resolution.Code)}&{range}&cont_flag=1";
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}
