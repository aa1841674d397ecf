using System.Diagnostics;

namespace PriceFeed.App.Tests.Support;

/// <summary>The published CLI as a separate process against a test app's sandbox, data folder and lake, on the test's clock.</summary>
internal static class CliProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(TestApp app, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pricefeed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Append("--sandbox").Append(app.Settings.Origin.AbsoluteUri))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tokens__DataDirectory"] = app.DataDirectory;
        start.Environment["Ingestion__LakeDirectory"] = app.LakeDirectory;
        ProcessClock.StartAt(start, app.Clock.GetUtcNow());
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
