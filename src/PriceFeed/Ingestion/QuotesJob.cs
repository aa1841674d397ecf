using PriceFeed.Calendar;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Errors;
using PriceFeed.Lake;

namespace PriceFeed.Ingestion;

/// <summary>A quotes snapshot of the watchlist during a session (batches of 50), stored under quotes/date=.../HHmm.parquet.</summary>
internal sealed class QuotesJob(FyersDataClient data, QuoteStore quotes, MarketCalendar calendar, RunRecorder recorder, RunGuards guards, CandleCheck check, TimeProvider time)
{
    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        var run = recorder.Begin(Job.Quotes);
        var now = time.GetUtcNow();
        if (calendar.SessionAt(now) is null)
        {
            return recorder.Finish(run, RunStatus.Skipped, guards.ClosedMessage(now), tokenValid: null);
        }

        if (await guards.LakeAsync(run, cancellationToken) is not { } lease)
        {
            return run.Report!;
        }

        await using (lease)
        {
            return await FetchAsync(run, cancellationToken);
        }
    }

    private async Task<RunReport> FetchAsync(RunState run, CancellationToken cancellationToken)
    {
        if (await guards.UsableCredentialsAsync(run, cancellationToken) is not { } credentials
            || await guards.WatchlistAsync(run, cancellationToken) is not { } symbols)
        {
            return run.Report!;
        }

        try
        {
            if (await guards.FyersMarketClosedAsync(run, credentials, cancellationToken) is { } closed)
            {
                return closed;
            }

            run.SeriesPlanned = symbols.Count;
            var result = await data.GetQuotesAsync(symbols, credentials, cancellationToken);
            await quotes.WriteAsync(result, check.Source(result.IsSynthetic), cancellationToken);
            run.Symbols.AddRange(result.Quotes.Select(q => new SymbolReport(q.Symbol, "quote", true, 1, 1, 1, 0, null)));
            run.Symbols.AddRange(result.Errors.Select(e => new SymbolReport(e.Symbol, "quote", false, 0, 1, 0, 0, e.Message)));
            return recorder.Finish(run, result.Errors.Count == 0 ? RunStatus.Ok : RunStatus.Failed, $"{result.Quotes.Count} quotes stored; {result.Errors.Count} symbols refused.", tokenValid: true);
        }
        catch (FyersApiException e)
        {
            return await guards.FailOnFyersErrorAsync(run, e, credentials, cancellationToken);
        }
    }
}
