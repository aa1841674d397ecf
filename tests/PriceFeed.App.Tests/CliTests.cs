using PriceFeed.Cli;

namespace PriceFeed.App.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task UnknownCommand_IsUsageErrorWithHint()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PriceFeedCli.RunAsync(["frobnicate"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("pricefeed --help", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsServe()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PriceFeedCli.RunAsync(["--help"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("serve", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 19: serve takes settings as the README writes them (--Section:Key=value); anything else unknown is refused.</summary>
    [Fact]
    public async Task Serve_TakesSettingsOnTheCommandLine_AndRefusesOtherArguments()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var badError = new StringWriter();
        var url = Support.FreePort.Next().GetLeftPart(UriPartial.Authority);

        // A setting that reaches the app's configuration is judged there: a bad date is named by its key.
        var setting = await PriceFeedCli.RunAsync(["serve", "--sandbox", "--urls", url, "--Sandbox:MissingDays=2026-13-45"], output, error, TestContext.Current.CancellationToken);
        var bogus = await PriceFeedCli.RunAsync(["serve", "--sandbox", "--urls", url, "--bogus"], TextWriter.Null, badError, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, setting);
        Assert.Contains("Sandbox:MissingDays", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Unrecognized", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, bogus);
        Assert.Contains("Unrecognized argument '--bogus' for serve", badError.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 20: the sandbox's settings are checked like every options class: one line naming the setting, exit 2.</summary>
    [Theory]
    [InlineData("--Sandbox:ServerErrorRate=2", "Sandbox:ServerErrorRate is a share between 0 and 1")]
    [InlineData("--Sandbox:Latency=-00:00:01", "Sandbox:Latency is between")]
    [InlineData("--Sandbox:RevokeTokensAfter=-3", "Sandbox:RevokeTokensAfter is a number of calls")]
    public async Task Serve_BadSandboxSetting_IsOneLineNamingIt(string setting, string says)
    {
        using var error = new StringWriter();
        var url = Support.FreePort.Next().GetLeftPart(UriPartial.Authority);

        var code = await PriceFeedCli.RunAsync(["serve", "--sandbox", "--urls", url, setting], TextWriter.Null, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(says, error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Issue 20: serve's first words on a fresh install are the banner and the setup code, with no metrics line (EMF is for Lambda).</summary>
    [Fact]
    public async Task Serve_FirstStart_PrintsTheSetupCodeUpFront_AndNoMetricsLines()
    {
        using var output = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var data = Directory.CreateTempSubdirectory("pricefeed-serve-").FullName;
        var url = Support.FreePort.Next().GetLeftPart(UriPartial.Authority);
        using var error = new StringWriter();
        var serving = PriceFeedCli.RunAsync(["serve", "--sandbox", "--urls", url, $"--Tokens:DataDirectory={data}"], output, error, stop.Token);
        for (var i = 0; i < 300 && !Text().Contains("Setup code", StringComparison.Ordinal) && !serving.IsCompleted; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await serving;
        var lines = Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(lines.Length > 0, error.ToString());
        Assert.Contains(lines.Take(12), l => l.StartsWith("No FYERS account is bound yet. Setup code for the first save on the page: ", StringComparison.Ordinal));
        Assert.DoesNotContain("\"_aws\"", Text(), StringComparison.Ordinal);

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Issue 13: a value that does not parse is named with the form it takes, never a .NET type name.</summary>
    [Theory]
    [InlineData("backfill --from 2026-05-04 --to 2026-13-01", "--to '2026-13-01' is not valid: give a date as yyyy-MM-dd, for example 2026-11-27.")]
    [InlineData("backfill --from 2026-05-04 --to 2026-05-08 --max-requests abc", "--max-requests 'abc' is not valid: give a whole number, for example 100.")]
    public async Task Backfill_UnparsableValue_SaysTheFormInPlainWords(string args, string says)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PriceFeedCli.RunAsync(args.Split(' '), output, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal([says, "Run 'pricefeed --help' for usage."], error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("System.", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    /// <summary>Bad backfill options: one line naming the fix, exit 2, and nothing built, read or fetched.</summary>
    [Theory]
    [InlineData("--resolution", "7", "'7' is not a FYERS resolution")]
    [InlineData("--resolution", "5S", "Second resolutions")]
    [InlineData("--symbols", ",", "No symbols")]
    [InlineData("--symbols", "SBIN", "not FYERS symbols: 'SBIN'")]
    [InlineData("--max-requests", "0", "--max-requests must be at least 1")]
    public async Task Backfill_BadOption_IsOneLineAndUsageExit(string option, string value, string says)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // --to is a day never over: what is wrong with an option is said first, on any day.
        var code = await PriceFeedCli.RunAsync(["backfill", "--from", "2026-05-04", "--to", "2217-07-03", option, value], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(says, error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(output.ToString());
    }

    [Theory]
    [InlineData("1900-01-01", "2026-05-08", "FYERS has history from 2017-07-03")]
    [InlineData("2017-07-03", "2217-07-03", "--to 2217-07-03 is not over yet")]
    [InlineData("2026-05-08", "2026-05-04", "is before --from")]
    public async Task Backfill_DatesOutsideWhatFyersHasOrNotOverYet_AreRefused(string from, string to, string says)
    {
        using var error = new StringWriter();

        var code = await PriceFeedCli.RunAsync(["backfill", "--from", from, "--to", to], TextWriter.Null, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(says, error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Issue 20: a bare --sandbox means the local sandbox on every command, wherever it stands.</summary>
public sealed class SandboxFlagTests
{
    [Theory]
    [InlineData("ingest quotes --sandbox")]
    [InlineData("ingest intraday --sandbox")]
    [InlineData("backfill --from 2026-11-02 --to 2026-11-03 --sandbox")]
    [InlineData("backfill --sandbox --from 2026-11-02 --to 2026-11-03")]
    [InlineData("watchlist remove NSE:SYN001-EQ --sandbox")]
    [InlineData("watchlist add SBIN --sandbox")]
    [InlineData("watchlist list --sandbox")]
    [InlineData("verify --sandbox")]
    [InlineData("verify --repair --sandbox")]
    [InlineData("stream --sandbox")]
    [InlineData("token status --sandbox")]
    [InlineData("login --sandbox")]
    public void BareSandbox_IsTheLocalSandbox(string line)
    {
        var parse = PriceFeedCli.Build(TextReader.Null, TextWriter.Null, TextWriter.Null).Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        var option = parse.CommandResult.Command.Options.OfType<System.CommandLine.Option<string?>>().Single(o => o.Name == "--sandbox");
        Assert.Equal(new Uri("http://127.0.0.1:8080"), SandboxOption.Value(parse, option));
    }

    [Fact]
    public async Task SandboxBeforeTheJob_IsOneLineSayingWhereTheFlagGoes()
    {
        using var error = new StringWriter();

        var code = await PriceFeedCli.RunAsync(["ingest", "--sandbox", "quotes"], TextWriter.Null, error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--sandbox takes an address such as http://127.0.0.1:8080, not 'quotes': put --sandbox last", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoSandbox_IsFyers()
    {
        var parse = PriceFeedCli.Build(TextReader.Null, TextWriter.Null, TextWriter.Null).Parse(["ingest", "quotes"]);
        var option = parse.CommandResult.Command.Options.OfType<System.CommandLine.Option<string?>>().Single(o => o.Name == "--sandbox");

        Assert.Null(SandboxOption.Value(parse, option));
    }
}
