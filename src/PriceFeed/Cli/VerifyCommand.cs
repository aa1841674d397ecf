using PriceFeed.Coverage;
using System.CommandLine;
using PriceFeed.Ingestion;

namespace PriceFeed.Cli;

/// <summary><c>pricefeed verify [--repair]</c>: proves the lake whole (exit 0) or lists what is not (exit 1).</summary>
internal static class VerifyCommand
{
    private const int MaxListed = 20;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var repair = new Option<bool>("--repair") { Description = "Move unreadable files to quarantine/unreadable/, rewind cursors and ledgers past gaps, fetch the missing days, and check again." };
        var sandbox = SandboxOption.Create();
        var command = new Command("verify", "Check every lake file against the NSE calendar: unreadable files, duplicates, missing days, cursors and ledgers.") { repair, sandbox };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, sandbox));
            var verifier = host.Services.GetRequiredService<LakeVerifier>();
            var gapDays = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestionOptions>>().Value.GapRetries;
            var found = await verifier.CheckAsync(cancellationToken);
            await PrintAsync("verify", found, output, gapDays);
            if (!found.IsWhole && result.GetValue(repair))
            {
                if (await FyersMatch.StopsAsync(host.Services, SandboxOption.Value(result, sandbox), error, cancellationToken))
                {
                    return ExitCodes.Usage;
                }

                var runner = host.Services.GetRequiredService<IngestionRunner>();
                var compactor = host.Services.GetRequiredService<Live.TickCompactor>();
                foreach (var day in (await compactor.CompactFinishedAsync(cancellationToken)).Concat(await compactor.CompactStagedFinishedAsync(cancellationToken)))
                {
                    await output.WriteLineAsync($"  ticks of {day.Date:yyyy-MM-dd} compacted into {day.Key}: {day.Ticks:N0} ticks.");
                }

                found = await verifier.RepairAsync(found, request => runner.RunBackfillAsync(request, null, cancellationToken), cancellationToken);
                await PrintAsync("after repair", found, output, gapDays);
            }

            if (!found.IsWhole)
            {
                await error.WriteLineAsync(result.GetValue(repair)
                    ? $"The lake is still not whole: what is listed could not be fetched now (no usable token, or FYERS lacks it); run 'pricefeed verify --repair{SandboxHint(result, sandbox)}' again later."
                    : found.GivenUp.Count > 0 && found.Gaps.Count == 0 && found.Unreadable.Count == 0
                        ? $"The lake is not whole: FYERS never had the days listed as given up. 'pricefeed verify --repair{SandboxHint(result, sandbox)}' asks for them again."
                        : $"The lake is not whole. 'pricefeed verify --repair{SandboxHint(result, sandbox)}' moves unreadable files aside (nothing is deleted) and fetches what is missing (given-up days too).");
                return ExitCodes.Error;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The --sandbox this command was given, repeated in the hint so following it talks to the same FYERS (issue 20).</summary>
    private static string SandboxHint(ParseResult result, Option<string?> sandbox) =>
        SandboxOption.Value(result, sandbox) is { } url ? $" --sandbox {url.GetLeftPart(UriPartial.Authority)}" : string.Empty;

    private static async Task PrintAsync(string label, LakeCheck found, TextWriter output, int gapDays)
    {
        await output.WriteLineAsync($"{label}: {found.SymbolDays} symbol-days read; {found.Unreadable.Count} unreadable files, {found.Duplicates} duplicate bars, {found.Gaps.Count} symbol-days missing or with missing minutes, {found.GivenUp.Count} given up after FYERS lacked them on {gapDays} days, {found.CursorsAhead.Count} cursors ahead of the stored bars, {found.LedgersDoneOverGaps.Count} backfill ledgers calling a gap done.{(found.IsWhole ? " The lake is whole." : string.Empty)}");
        if (found.TickDays > 0)
        {
            await output.WriteLineAsync($"  ticks: {found.TickDays} days, {found.Ticks:N0} ticks, each file's bytes as written.");
        }

        foreach (var day in found.TickLogsNotCompacted.Take(MaxListed))
        {
            await output.WriteLineAsync($"  ticks of {day:yyyy-MM-dd} are only in the local tick log (safe on disk, not in the lake yet): 'pricefeed verify --repair' compacts them.");
        }

        foreach (var day in found.StagedTicksNotCompacted.Take(MaxListed))
        {
            await output.WriteLineAsync($"  ticks of {day:yyyy-MM-dd} are only staged by the stream shifts (safe in the lake, the end-of-day job has not compacted them): 'pricefeed verify --repair' compacts them.");
        }

        if (found.Unhashed.Count > 0)
        {
            await output.WriteLineAsync($"  {found.Unhashed.Count} files were written before PriceFeed recorded hashes: checked as Parquet only ('verify --repair' records them).");
        }

        foreach (var stray in found.TemporaryFiles.Take(MaxListed))
        {
            await output.WriteLineAsync($"  temporary file of a write that never finished (removed by the next run or 'verify --repair'): {stray}");
        }

        foreach (var line in found.Unreadable.Take(MaxListed))
        {
            await output.WriteLineAsync($"  unreadable: {line}");
        }

        foreach (var gap in found.Gaps.Take(MaxListed))
        {
            await output.WriteLineAsync($"  {gap.Reason}: {gap.Symbol} {gap.Date:yyyy-MM-dd}");
        }

        foreach (var day in found.GivenUp.Take(MaxListed))
        {
            await output.WriteLineAsync($"  {day.Reason}: {day.Symbol} {day.Date:yyyy-MM-dd}");
        }

        if (found.Gaps.Count > MaxListed)
        {
            await output.WriteLineAsync($"  ... and {found.Gaps.Count - MaxListed} more symbol-days");
        }

        foreach (var cursor in found.CursorsAhead.Take(MaxListed))
        {
            await output.WriteLineAsync($"  cursor ahead of the stored bars: {cursor}");
        }
    }
}
