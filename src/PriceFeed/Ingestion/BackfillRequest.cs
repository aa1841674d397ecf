using System.Security.Cryptography;
using System.Text;
using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Ingestion;

/// <summary>A backfill range. Its ledger id depends only on what it asks for, so rerunning the same command resumes it.</summary>
public sealed record BackfillRequest(DateOnly From, DateOnly To, IReadOnlyList<string> Symbols, IReadOnlyList<string> Resolutions, int? MaxRequests)
{
    public string LedgerId
    {
        get
        {
            var text = $"{From:yyyy-MM-dd}|{To:yyyy-MM-dd}|{string.Join(',', Symbols.Order(StringComparer.Ordinal))}|{string.Join(',', Resolutions.Order(StringComparer.Ordinal))}";
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        }
    }

    /// <summary>
    /// What is wrong with the request, as one sentence a person can act on, or null when it can run:
    /// dates inside FYERS' history and not after the last finished session (a day still trading is
    /// the intraday job's, and must never be marked done), resolutions FYERS has, a positive budget.
    /// </summary>
    public string? Problem(DateTimeOffset now, MarketCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (To < From)
        {
            return $"--to {To:yyyy-MM-dd} is before --from {From:yyyy-MM-dd}.";
        }

        if (From < HistoryRequest.EarliestDate)
        {
            return $"FYERS has history from {HistoryRequest.EarliestDate:yyyy-MM-dd}; --from is {From:yyyy-MM-dd}.";
        }

        if (MaxRequests is < 1)
        {
            return $"--max-requests must be at least 1 (it was {MaxRequests}).";
        }

        foreach (var code in Resolutions)
        {
            if (!Resolution.TryParse(code, out var resolution, out var error))
            {
                return error;
            }

            if (resolution.Kind == ResolutionKind.Seconds)
            {
                return $"Second resolutions ({code}) reach back only 30 trading days at FYERS; backfill minutes (1, 5, ...) or days (D).";
            }
        }

        if (Resolutions.Count == 0)
        {
            return "No resolution: give --resolution 1 (or 1,5,D).";
        }

        // Last, so what is wrong with the request itself is said the same on any day.
        var lastFinished = LastFinishedDate(now, calendar);
        return To > lastFinished
            ? $"--to {To:yyyy-MM-dd} is not over yet: a backfill ends with a finished day ({lastFinished:yyyy-MM-dd} or earlier); the intraday and end-of-day jobs fetch the days after that."
            : null;
    }

    /// <summary>Today (IST) once its session's bars are final, or when it has no session; else yesterday.</summary>
    private static DateOnly LastFinishedDate(DateTimeOffset now, MarketCalendar calendar)
    {
        var today = MarketTime.IstDate(now);
        return calendar.SessionOn(today) is { } session && session.Close + CandleJob.SettleTime > now ? today.AddDays(-1) : today;
    }
}

public sealed record BackfillProgress(int Done, int Total, int Skipped, TimeSpan Elapsed, TimeSpan? Remaining, string Current);
