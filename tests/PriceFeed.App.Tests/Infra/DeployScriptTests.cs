using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Infra;

/// <summary>
/// scripts/deploy.sh and scripts/deploy-token-generator.ps1 (under the pinned PowerShell global
/// tool), run for real with a recording stand-in for terraform on PATH: no AWS account is reachable
/// here, but what they pass to terraform, which variables exist, and what they print can be checked.
/// </summary>
[Trait("Category", "Packaged")]
public sealed partial class DeployScriptTests : IDisposable
{
    private const string PageUrl = "https://abc123.execute-api.ap-south-1.amazonaws.com/prod/";
    private readonly string bin = Directory.CreateTempSubdirectory("pricefeed-deploy-").FullName;
    private readonly string log;

    public DeployScriptTests()
    {
        log = Path.Combine(bin, "terraform.log");
        var terraform = Path.Combine(bin, "terraform");
        File.WriteAllText(terraform, $$"""
            #!/bin/sh
            echo "$*" >> "{{log}}"
            case "$*" in
              *"output -raw token_generator_url"*) printf '{{PageUrl}}' ;;
              *"output -raw fyers_redirect_uri"*) printf '{{PageUrl}}callback' ;;
            esac
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(terraform, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(bin, recursive: true);

    private IReadOnlyList<string> TerraformCalls => File.Exists(log) ? File.ReadAllLines(log) : [];

    [Fact]
    public async Task DeploySh_AppliesWithTheEmail_AndPrintsThePageAndRedirectUri()
    {
        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you@example.com");

        Assert.True(exit == 0, output);
        Assert.Contains(PageUrl, output, StringComparison.Ordinal);
        Assert.Contains(PageUrl + "callback", output, StringComparison.Ordinal);
        Assert.Equal("-chdir=infra init -input=false", TerraformCalls[0]);
        Assert.Contains("-var notification_email=you@example.com", TerraformCalls[1], StringComparison.Ordinal);
        Assert.Contains($"-var lambda_architecture={PackagedArchitecture()}", TerraformCalls[1], StringComparison.Ordinal);
        AssertVariablesExist(TerraformCalls[1]);
    }

    [Fact]
    public async Task DeploySh_RefusesSomethingThatIsNotAnEmail_BeforeTouchingTerraform()
    {
        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you-at-example");

        Assert.Equal(2, exit);
        Assert.Contains("not an email address", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
    }

    [Fact]
    public async Task DeployPs1_PassesProjectAndRegion_AndPrintsThePage()
    {
        var (exit, output) = await RunAsync(Pwsh(), "-NoProfile", "-File", RepoPaths.Of("scripts", "deploy-token-generator.ps1"), "-NotificationEmail", "you@example.com", "-ProjectName", "my-feed", "-Region", "ap-south-1", "-SkipBuild");

        Assert.True(exit == 0, output);
        Assert.Contains(PageUrl + "callback", output, StringComparison.Ordinal);
        var apply = Assert.Single(TerraformCalls, c => c.Contains(" apply ", StringComparison.Ordinal));
        Assert.Contains("-var project_name=my-feed", apply, StringComparison.Ordinal);
        Assert.Contains("-var notification_email=you@example.com", apply, StringComparison.Ordinal);
        Assert.Contains($"-var lambda_architecture={PackagedArchitecture()}", apply, StringComparison.Ordinal);
        AssertVariablesExist(apply);
    }

    [Fact]
    public async Task DeployPs1_RefusesABadEmail_BeforeTouchingTerraform()
    {
        var (exit, output) = await RunAsync(Pwsh(), "-NoProfile", "-File", RepoPaths.Of("scripts", "deploy-token-generator.ps1"), "-NotificationEmail", "nobody", "-SkipBuild");

        Assert.NotEqual(0, exit);
        Assert.Contains("NotificationEmail", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
    }

    /// <summary>The functions' architecture for the zip in artifacts/lambda, from package-lambda.sh's manifest.</summary>
    private static string PackagedArchitecture()
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.Of("artifacts", "lambda", "pricefeed-lambda.json")));
        var architecture = manifest.RootElement.GetProperty("lambda_architecture").GetString();
        Assert.Equal(RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x86_64", architecture);
        return architecture!;
    }

    /// <summary>Every -var the scripts pass must be a variable infra/ declares, or terraform refuses it.</summary>
    private static void AssertVariablesExist(string apply)
    {
        var declared = File.ReadAllText(RepoPaths.Of("infra", "variables.tf"));
        var passed = VarPattern().Matches(apply).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(passed);
        Assert.All(passed, name => Assert.Contains($"variable \"{name}\"", declared, StringComparison.Ordinal));
    }

    private static string Pwsh()
    {
        var pwsh = RepoPaths.Of(".tools", "pwsh");
        return File.Exists(pwsh) ? pwsh : throw new InvalidOperationException($"{pwsh} is missing: dotnet tool install PowerShell --version 7.6.9 --tool-path .tools (scripts/test.sh does).");
    }

    private async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"-var ([a-z_]+)=")]
    private static partial Regex VarPattern();
}
