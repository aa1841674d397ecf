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
}
