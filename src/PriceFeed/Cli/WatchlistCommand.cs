using System.CommandLine;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed watchlist list|add|remove</c>: the symbols the jobs fetch, by name. "SBIN", "sbin",
/// "Reliance" or "NSE:SBIN-EQ" are looked up in FYERS' symbol master (<see cref="SymbolDirectory"/>);
/// the list is stored where the jobs read it (watchlist.txt in the data folder, or the SSM parameter).
/// </summary>
internal static class WatchlistCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var listSandbox = SandboxOption.Create();
        var list = new Command("list", "Show the watchlist, each symbol with its name from FYERS' symbol master.") { listSandbox };
        list.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, listSandbox));
            var (source, directory) = Services(host);
            var symbols = await source.GetAsync(cancellationToken);
            await output.WriteLineAsync($"{symbols.Count} symbol{(symbols.Count == 1 ? string.Empty : "s")} ({source.Location}):");
            var unknown = 0;
            foreach (var symbol in symbols)
            {
                var master = SymbolDirectory.SegmentOf(symbol) is { } segment ? await directory.GetAsync(segment, cancellationToken) : null;
                var name = master is null ? string.Empty : master.Get(symbol)?.Name ?? "NOT IN FYERS' SYMBOL MASTER: never fetched";
                unknown += master is not null && !master.Contains(symbol) ? 1 : 0;
                await output.WriteLineAsync($"  {symbol,-24} {name}".TrimEnd());
            }

            return unknown == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });

        var addQuery = new Argument<string[]>("name") { Description = "A symbol (SBIN, NSE:SBIN-EQ) or part of a company's name (Reliance).", Arity = ArgumentArity.OneOrMore };
        var addSandbox = SandboxOption.Create();
        var add = new Command("add", "Add a symbol, found by symbol or name in FYERS' symbol master.") { addQuery, addSandbox };
        add.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, addSandbox));
            var (source, directory) = Services(host);
            var query = string.Join(' ', result.GetValue(addQuery)!);
            var (matches, master) = await directory.FindAsync(query, cancellationToken);
            if (master is null)
            {
                await error.WriteLineAsync("FYERS' symbol master could not be downloaded (and no copy is kept yet), so names cannot be looked up. Try again when online, or give the full symbol in the setting Ingestion:Symbols.");
                return ExitCodes.Error;
            }

            var pick = Pick(query, matches);
            if (pick is null)
            {
                if (matches.Count == 0)
                {
                    await error.WriteLineAsync($"No FYERS symbol or company name in {master.Segment} matches '{query}'.");
                    return ExitCodes.Error;
                }

                await error.WriteLineAsync($"'{query}' matches {matches.Count}{(matches.Count == 10 ? " or more" : string.Empty)}; add one by its symbol:");
                foreach (var m in matches)
                {
                    await error.WriteLineAsync($"  pricefeed watchlist add {m.Ticker,-24} # {m.Name}");
                }

                return ExitCodes.Usage;
            }

            var symbols = (await source.GetAsync(cancellationToken)).ToList();
            if (symbols.Contains(pick.Ticker, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"{pick.Ticker} ({pick.Name}) is already on the watchlist.");
                return ExitCodes.Ok;
            }

            symbols.Add(pick.Ticker);
            await source.SaveAsync(symbols, cancellationToken);
            await output.WriteLineAsync($"Added {pick.Ticker} ({pick.Name}). The watchlist has {symbols.Count} symbols; the next run fetches it and catches up its history from the run's cursor.");
            return ExitCodes.Ok;
        });

        var removeQuery = new Argument<string>("symbol") { Description = "The symbol to remove (NSE:SBIN-EQ, or SBIN)." };
        // --sandbox is accepted like the group's other commands (README: watchlist ... [--sandbox [URL]];
        // issue 20), though removing needs no FYERS call.
        var removeSandbox = SandboxOption.Create();
        var remove = new Command("remove", "Remove a symbol from the watchlist. Its stored data stays in the lake.") { removeQuery, removeSandbox };
        remove.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, removeSandbox));
            var (source, _) = Services(host);
            var query = result.GetValue(removeQuery)!.Trim();
            var symbols = (await source.GetAsync(cancellationToken)).ToList();
            var byUnderlying = symbols.Where(s => string.Equals(Underlying(s), query, StringComparison.OrdinalIgnoreCase)).ToList();
            var hit = symbols.FirstOrDefault(s => string.Equals(s, query, StringComparison.OrdinalIgnoreCase))
                ?? (byUnderlying.Count == 1 ? byUnderlying[0] : null);
            if (hit is null && byUnderlying.Count > 1)
            {
                await error.WriteLineAsync($"'{query}' matches {string.Join(" and ", byUnderlying)}: name one of them.");
                return ExitCodes.Usage;
            }

            if (hit is null)
            {
                await error.WriteLineAsync($"'{query}' is not on the watchlist ({string.Join(", ", symbols)}).");
                return ExitCodes.Error;
            }

            symbols.Remove(hit);
            await source.SaveAsync(symbols, cancellationToken);
            await output.WriteLineAsync($"Removed {hit}. The watchlist has {symbols.Count} symbols{(symbols.Count == 0 ? " (empty: the jobs now use the configured list)" : string.Empty)}; its stored data stays in the lake.");
            return ExitCodes.Ok;
        });

        return new Command("watchlist", "The symbols the jobs fetch: list, add by name, remove.") { list, add, remove };
    }

    internal static SymbolEntry? Pick(string query, IReadOnlyList<SymbolEntry> matches) => SymbolDirectory.Pick(query, matches);

    private static string Underlying(string ticker)
    {
        var name = ticker[(ticker.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var dash = name.LastIndexOf('-');
        return dash > 0 ? name[..dash] : name;
    }

    private static (WatchlistSource Source, SymbolDirectory Directory) Services(IHost host) =>
        (host.Services.GetRequiredService<WatchlistSource>(), host.Services.GetRequiredService<SymbolDirectory>());
}
