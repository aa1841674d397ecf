using System.CommandLine;

namespace PriceFeed.Cli;

/// <summary>The command line: a thin shell over testable pieces. Exit codes: 0 ok, 1 error, 2 bad usage.</summary>
internal static class PriceFeedCli
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, Console.In, output, error, cancellationToken);

    /// <summary>
    /// System.CommandLine names .NET types in a value it cannot parse ("as expected type
    /// 'System.DateOnly'"); a trader gets the value, the option and the form it takes instead.
    /// </summary>
    internal static string Plain(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$");
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        var form = type.Contains("DateOnly", StringComparison.Ordinal) ? "a date as yyyy-MM-dd, for example 2026-11-27"
            : type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number, for example 100"
            : type.Contains("Uri", StringComparison.Ordinal) ? "an address such as http://127.0.0.1:5080/"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of the documented form (see --help)";
        return $"{match.Groups["name"].Value} '{match.Groups["value"].Value}' is not valid: give {form}.";
    }

    /// <summary>Every command, wired to these streams.</summary>
    internal static RootCommand Build(TextReader input, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("PriceFeed: the daily FYERS login and a market-data feed into a Parquet lake.");
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(LoginCommand.Create(input, output, error));
        root.Subcommands.Add(TokenCommand.Create(output, error));
        root.Subcommands.Add(StatusCommand.Create(output, error));
        root.Subcommands.Add(WatchlistCommand.Create(output, error));
        root.Subcommands.Add(IngestCommand.CreateIngest(output, error));
        root.Subcommands.Add(IngestCommand.CreateBackfill(output, error));
        root.Subcommands.Add(VerifyCommand.Create(output, error));
        root.Subcommands.Add(StreamCommand.Create(output, error));
        root.Subcommands.Add(ReconcileCommand.Create(output, error));
#if !PRICEFEED_LAMBDA
        root.Subcommands.Add(QueryCommand.Create(output, error));
#endif

        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        Hosting.OwnerOnlyFiles.Apply();
        var root = Build(input, output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync(Plain(e.Message));
            }

            await error.WriteLineAsync("Run 'pricefeed --help' for usage.");
            return ExitCodes.Usage;
        }

        // No stack trace on the terminal: an unexpected failure is one line, the details go to a file.
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var details = Path.Combine(Path.GetTempPath(), "pricefeed-last-error.txt");
            try
            {
                await File.WriteAllTextAsync(details, e.ToString(), CancellationToken.None);
            }
            catch (Exception write) when (write is IOException or UnauthorizedAccessException)
            {
                details = "not written";
            }

            await error.WriteLineAsync($"pricefeed failed: {e.Message} (details: {details})");
            return ExitCodes.Error;
        }
    }
}
