using System.Diagnostics;

namespace PriceFeed.App.Tests.Support;

/// <summary>The published CLI as a separate process against a test app's sandbox, data folder and lake, on the test's clock.</summary>
internal static class CliProcess
{
    public static Task<(int ExitCode, string Output)> RunAsync(TestApp app, params string[] args) =>
        RunAsync(app, withSandbox: true, args);

    /// <summary>A command that works on the store alone (token setup-code, reset-binding): no --sandbox.</summary>
    public static Task<(int ExitCode, string Output)> RunOnStoreAsync(TestApp app, params string[] args) =>
        RunAsync(app, withSandbox: false, args);

    private static async Task<(int ExitCode, string Output)> RunAsync(TestApp app, bool withSandbox, string[] args)
    {
        var (code, stdout, stderr) = await RunSplitAsync(app, withSandbox, args);
        return (code, stdout + stderr);
    }

    /// <summary>Standard output and standard error apart: the answer a script reads, and what a person is told.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunSplitAsync(TestApp app, bool withSandbox, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pricefeed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in withSandbox ? args.Append("--sandbox").Append(app.Settings.Origin.AbsoluteUri) : args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tokens__DataDirectory"] = app.DataDirectory;
        start.Environment["Ingestion__LakeDirectory"] = app.LakeDirectory;
        start.Environment["Ingestion__Symbols"] = app.Symbols; // the watchlist serve has, as a user's CLI shares it
        ProcessClock.StartAt(start, app.Clock.GetUtcNow());
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
