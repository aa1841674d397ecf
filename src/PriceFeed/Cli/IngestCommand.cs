using System.CommandLine;
using System.Globalization;
using PriceFeed.Ingestion;

namespace PriceFeed.Cli;

/// <summary><c>pricefeed ingest JOB</c> and <c>pricefeed backfill</c>: one pass each, exit 0 when ok, 1 when failed.</summary>
internal static class IngestCommand
{
    public static Command CreateIngest(TextWriter output, TextWriter error)
    {
        var job = new Argument<string>("job") { Description = $"One of: {string.Join(", ", RunNames.ScheduledNames)}." };
        job.AcceptOnlyFromAmong([.. RunNames.ScheduledNames]);
        var sandbox = SandboxOption.Create();
        var command = new Command("ingest", "Run one ingestion pass now (the scheduler runs them by itself).") { job, sandbox };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, sandbox));
            if (await FyersMatch.StopsAsync(host.Services, SandboxOption.Value(result, sandbox), error, cancellationToken))
            {
                return ExitCodes.Usage;
            }

            // The overload that turns what a run does not expect into a failed run with one line.
            var report = await host.Services.GetRequiredService<IngestionRunner>().RunAsync(RunNames.TryParseScheduled(result.GetValue(job), out var chosen) ? chosen : throw new InvalidOperationException("The parser accepts only scheduled jobs."), CancellationToken.None, cancellationToken);
            return await PrintAsync(report, output, error);
        });
        return command;
    }

    public static Command CreateBackfill(TextWriter output, TextWriter error)
    {
        var from = new Option<DateOnly>("--from") { Description = "First IST date (yyyy-MM-dd).", Required = true };
        var to = new Option<DateOnly>("--to") { Description = "Last IST date (yyyy-MM-dd), included.", Required = true };
        var symbols = new Option<string?>("--symbols") { Description = "Comma-separated FYERS symbols; default: the watchlist." };
        var resolution = new Option<string>("--resolution") { Description = "Comma-separated FYERS resolutions.", DefaultValueFactory = _ => "1" };
        var maxRequests = new Option<int?>("--max-requests") { Description = "Stop after this many FYERS requests (the next run continues)." };
        var sandbox = SandboxOption.Create();
        var command = new Command("backfill", "Fetch history for a date range; resumable: rerun the same command after an interruption.") { from, to, symbols, resolution, maxRequests, sandbox };
        command.SetAction(async (result, cancellationToken) =>
        {
            // Checked before anything is built or read: a bad option is one line and exit 2.
            IReadOnlyList<string>? list;
            try
            {
                list = result.GetValue(symbols) is { } s ? WatchlistSource.Parse(s, "--symbols") ?? [] : null;
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync(e.Message.Replace(" Nothing was fetched.", string.Empty, StringComparison.Ordinal));
                return ExitCodes.Usage;
            }

            if (list is { Count: 0 })
            {
                await error.WriteLineAsync("No symbols: give --symbols NSE:SBIN-EQ,NSE:TCS-EQ, or leave it out for the watchlist.");
                return ExitCodes.Usage;
            }

            var resolutions = result.GetValue(resolution)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var check = new BackfillRequest(result.GetValue(from), result.GetValue(to), list ?? [], resolutions, result.GetValue(maxRequests));
            if (check.Problem(TimeProvider.System.GetUtcNow(), Calendar.MarketCalendar.Load(new())) is { } problem)
            {
                await error.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }

            using var host = CliHost.Build(SandboxOption.Value(result, sandbox));
            if (await FyersMatch.StopsAsync(host.Services, SandboxOption.Value(result, sandbox), error, cancellationToken))
            {
                return ExitCodes.Usage;
            }

            // No --symbols: the job reads the watchlist itself (watchlist.txt or SSM, as every job does).
            var report = await host.Services.GetRequiredService<IngestionRunner>().RunBackfillAsync(check, new ProgressBar(error), cancellationToken);
            return await PrintAsync(report, output, error);
        });
        return command;
    }

    private static async Task<int> PrintAsync(RunReport report, TextWriter output, TextWriter error)
    {
        await output.WriteLineAsync($"{report.Job.Text()}: {report.Status.Text()}. {report.Message}");
        foreach (var failed in report.FailedSymbols)
        {
            await error.WriteLineAsync($"  {failed.Symbol} ({failed.Resolution}): {failed.Error}");
        }

        return report.IsFailure || report.Status == RunStatus.LoginNeeded ? ExitCodes.Error : ExitCodes.Ok;
    }

    /// <summary>A one-line progress bar with ETA on a terminal; a line per 10% when redirected.</summary>
    private sealed class ProgressBar(TextWriter error) : IProgress<BackfillProgress>
    {
        private int lastDecile = -1;

        public void Report(BackfillProgress value)
        {
            var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var eta = value.Remaining is { } r ? r.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
            var text = $"[{new string('#', (int)(fraction * 30)),-30}] {fraction,4:P0} {value.Done}/{value.Total} chunks, ETA {eta}  {value.Current}";
            if (!Console.IsErrorRedirected)
            {
                error.Write("\r" + text.PadRight(Math.Max(0, Console.WindowWidth - 1))[..Math.Max(0, Math.Min(text.Length + 10, Console.WindowWidth - 1))]);
                if (value.Done == value.Total)
                {
                    error.WriteLine();
                }
            }
            else if ((int)(fraction * 10) is var decile && decile != lastDecile)
            {
                lastDecile = decile;
                error.WriteLine(text);
            }
        }
    }
}
