using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

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
    private readonly string awsLog;
    private readonly string settings;
    private readonly string adoptFile;
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal);

    public DeployScriptTests()
    {
        log = Path.Combine(bin, "terraform.log");
        awsLog = Path.Combine(bin, "aws.log");
        settings = Path.Combine(bin, "pricefeed.auto.tfvars");
        adoptFile = Path.Combine(bin, "adopt.tf");
        environment["PRICEFEED_SETTINGS"] = settings;
        environment["PRICEFEED_ADOPT_FILE"] = adoptFile;

        // The AWS CLI stand-in: credentials unless told otherwise, no binding yet, two parameters the
        // app made; with FAKE_AWS_EXISTING_STACK, every name a stack of PriceFeed's would hold exists.
        WriteScript("aws", $$"""
            #!/bin/sh
            echo "$*" >> "{{awsLog}}"
            case "$*" in
              *"sts get-caller-identity"*) [ -n "$FAKE_AWS_NO_CREDENTIALS" ] && exit 255; printf '123456789012' ;;
              *"ssm get-parameters-by-path"*) printf '/stock-pipeline/fyers/access_token	/stock-pipeline/status/run-eod' ;;
              *"s3api head-bucket"*) [ -n "$FAKE_AWS_EXISTING_STACK$FAKE_AWS_KEPT_BUCKET" ] || exit 254 ;;
              *"ssm get-parameter "*|*"lambda get-function"*|*"iam get-role"*|*"sns get-topic-attributes"*|*"scheduler get-schedule"*|*"budgets describe-budget"*)
                [ -n "$FAKE_AWS_EXISTING_STACK" ] || exit 254 ;;
              *"logs describe-log-groups"*) [ -n "$FAKE_AWS_EXISTING_STACK" ] && printf '1' || printf '0' ;;
              *"lambda get-policy"*) [ -n "$FAKE_AWS_EXISTING_STACK" ] || exit 254; printf '{"Version":"2012-10-17","Statement":[{"Sid":"AllowHttpApiProdStage","Effect":"Allow"}]}' ;;
            esac
            """);
        WriteScript("terraform", $$"""
            #!/bin/sh
            echo "$*" >> "{{log}}"
            case "$*" in
              *" apply "*) if [ -f "{{adoptFile}}" ]; then cp "{{adoptFile}}" "{{adoptFile}}.at-apply"; fi
                # An apply that forgets the old token parameters leaves the old state as a backup.
                if [ -n "$FAKE_TF_LEAKY_BACKUP" ]; then printf '{"resources":[{"type":"aws_ssm_parameter","instances":[{"attributes":{"name":"/stock-pipeline/fyers/app_secret","value":"s3cret"} } ] } ] }' > infra/terraform.tfstate.backup; fi ;;
              *"output -raw token_generator_url"*) printf '{{PageUrl}}' ;;
              *"output -raw fyers_redirect_uri"*) printf '{{PageUrl}}callback' ;;
              *"output -raw lake_bucket"*) printf 'stock-pipeline-lake-123456789012' ;;
              *"state list"*) printf 'aws_s3_bucket.lake\naws_s3_bucket_versioning.lake\naws_lambda_function.ingestion\n' ;;
            esac
            """);
    }

    public void Dispose() => Directory.Delete(bin, recursive: true);

    /// <summary>A recording stand-in for a tool on PATH.</summary>
    private void WriteScript(string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, body.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private IReadOnlyList<string> TerraformCalls => File.Exists(log) ? File.ReadAllLines(log) : [];

    private IReadOnlyList<string> AwsCalls => File.Exists(awsLog) ? File.ReadAllLines(awsLog) : [];

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task DeploySh_Help_PrintsTheUsage_AndTouchesNothing(string help)
    {
        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), help);

        Assert.Equal(0, exit);
        Assert.Contains("usage: scripts/deploy.sh", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
        Assert.Empty(AwsCalls);
    }

    [Fact]
    public async Task DeploySh_WithoutAwsCredentials_StopsInOneLine_BeforeBuildingOrTerraform()
    {
        environment["FAKE_AWS_NO_CREDENTIALS"] = "1";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "you@example.com");

        Assert.Equal(1, exit);
        Assert.Contains("no usable AWS credentials", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Building", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
    }

    [Fact]
    public async Task DeploySh_AStackOfTheSameNameUnknownToThisClone_StopsWithTheChoice_BeforeTerraformApplies()
    {
        environment["FAKE_AWS_EXISTING_STACK"] = "1";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you@example.com");

        Assert.Equal(1, exit);
        Assert.Contains("already exists in ap-south-1", output, StringComparison.Ordinal);
        Assert.Contains("scripts/deploy.sh --adopt you@example.com", output, StringComparison.Ordinal);
        Assert.Contains("-var project_name=my-feed", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
    }

    /// <summary>
    /// --adopt: every resource of infra/adopt.tsv that AWS has and this clone's state lacks becomes an
    /// import block for the one apply (with the ids the AWS provider documents), then the file is gone.
    /// </summary>
    [Fact]
    public async Task DeploySh_Adopt_ImportsWhatExistsAndTheStateLacks_ForOneApply()
    {
        environment["FAKE_AWS_EXISTING_STACK"] = "1";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "--adopt", "you@example.com");

        Assert.True(exit == 0, output);
        AssertAdopted(output);
        Assert.Single(TerraformCalls, c => c.Contains(" apply ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeployPs1_AStackOfTheSameName_StopsWithTheChoice_OrIsAdopted()
    {
        environment["FAKE_AWS_EXISTING_STACK"] = "1";
        string[] deploy = ["-NoProfile", "-File", RepoPaths.Of("scripts", "deploy-token-generator.ps1"), "-NotificationEmail", "you@example.com", "-SkipBuild"];

        var (stopExit, stopped) = await RunAsync(Pwsh(), deploy);
        Assert.NotEqual(0, stopExit);
        Assert.Contains("already exists in ap-south-1", stopped, StringComparison.Ordinal);
        Assert.Contains("-Adopt", stopped, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);

        var (exit, output) = await RunAsync(Pwsh(), [.. deploy, "-Adopt"]);
        Assert.True(exit == 0, output);
        AssertAdopted(output);
    }

    /// <summary>
    /// Issue 18: after the default teardown only the lake bucket is left; a redeploy from a clone
    /// without state would fail halfway on BucketAlreadyOwnedByYou. Both scripts see it first.
    /// </summary>
    [Fact]
    public async Task DeployScripts_OnlyTheKeptBucketExists_StopWithTheAdoptChoice_BeforeTerraform()
    {
        environment["FAKE_AWS_KEPT_BUCKET"] = "1";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you@example.com");
        var (psExit, psOutput) = await RunAsync(Pwsh(), "-NoProfile", "-File", RepoPaths.Of("scripts", "deploy-token-generator.ps1"), "-NotificationEmail", "you@example.com", "-SkipBuild");

        Assert.Equal(1, exit);
        Assert.Contains("stock-pipeline-lake-123456789012", output, StringComparison.Ordinal);
        Assert.Contains("scripts/deploy.sh --adopt you@example.com", output, StringComparison.Ordinal);
        Assert.NotEqual(0, psExit);
        Assert.Contains("stock-pipeline-lake-123456789012", psOutput, StringComparison.Ordinal);
        Assert.Contains("-Adopt", psOutput, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
    }

    /// <summary>Issue 18: the PowerShell script reads the choices deploy.sh remembered; leaving them out renames nothing.</summary>
    [Fact]
    public async Task DeployPs1_WithoutArguments_ReusesTheRememberedEmailProjectAndRegion()
    {
        await File.WriteAllTextAsync(settings, "notification_email  = \"me@example.com\"\nproject_name        = \"my-feed\"\naws_region          = \"eu-west-1\"\n", TestContext.Current.CancellationToken);

        var (exit, output) = await RunAsync(Pwsh(), "-NoProfile", "-File", RepoPaths.Of("scripts", "deploy-token-generator.ps1"), "-SkipBuild");

        Assert.True(exit == 0, output);
        var apply = Assert.Single(TerraformCalls, c => c.Contains(" apply ", StringComparison.Ordinal));
        Assert.Contains("-var project_name=my-feed", apply, StringComparison.Ordinal);
        Assert.Contains("-var aws_region=eu-west-1", apply, StringComparison.Ordinal);
        Assert.Contains("-var notification_email=me@example.com", apply, StringComparison.Ordinal);
        Assert.Contains(TerraformCalls, c => c.Contains("init -input=false -upgrade", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 18: an apply that removed the token parameters from the state leaves their decrypted
    /// values in terraform.tfstate.backup; the deploy deletes it and says to rotate the App Secret.
    /// </summary>
    [Fact]
    public async Task DeploySh_AnOldStateCopyHoldingTheTokens_IsDeleted_AndTheOwnerToldToRotate()
    {
        environment["FAKE_TF_LEAKY_BACKUP"] = "1";
        var backup = RepoPaths.Of("infra", "terraform.tfstate.backup");
        try
        {
            var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you@example.com");

            Assert.True(exit == 0, output);
            Assert.False(File.Exists(backup), "the state copy with the App Secret is still there");
            Assert.Contains("Rotate the App Secret", output, StringComparison.Ordinal);
            Assert.Contains(TerraformCalls, c => c.Contains("init -input=false -upgrade", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(backup);
        }
    }

    /// <summary>What both scripts must have written for the apply, from infra/adopt.tsv and the stand-ins.</summary>
    private void AssertAdopted(string output)
    {
        var written = File.ReadAllText(adoptFile + ".at-apply");
        var imports = ImportPattern().Matches(written).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var rows = File.ReadAllLines(RepoPaths.Of("infra", "adopt.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToList();
        Assert.Equal(18, rows.Count);
        // Already in this clone's state (the terraform stand-in's state list): not imported again.
        Assert.DoesNotContain("aws_s3_bucket.lake", imports.Keys);
        Assert.DoesNotContain("aws_lambda_function.ingestion", imports.Keys);
        Assert.Equal(rows.Count - 2, imports.Count);
        Assert.Equal("123456789012:stock-pipeline-monthly", imports["aws_budgets_budget.monthly"]);
        Assert.Equal("stock-pipeline/stock-pipeline-token-check", imports["aws_scheduler_schedule.job[\"token-check\"]"]);
        Assert.Equal("arn:aws:sns:ap-south-1:123456789012:stock-pipeline-alerts", imports["aws_sns_topic.alerts"]);
        Assert.Equal("stock-pipeline-token-generator/AllowHttpApiProdStage", imports["aws_lambda_permission.api_gateway"]);
        Assert.Equal("/aws/lambda/stock-pipeline-token-generator", imports["aws_cloudwatch_log_group.token_generator"]);
        Assert.Contains("16 existing resources to adopt", output, StringComparison.Ordinal);
        Assert.False(File.Exists(adoptFile), "the import blocks are for one apply only");
    }

    /// <summary>
    /// The email from the environment with terraform arguments after it (once taken as the email),
    /// the choices remembered for updates and destroy, and a setup code whose SHA-256, the only thing
    /// SSM gets, is what the app checks.
    /// </summary>
    [Fact]
    public async Task DeploySh_RemembersItsChoices_AndPrintsASetupCodeTheAppAccepts()
    {
        environment["NOTIFICATION_EMAIL"] = "you@example.com";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "-var", "project_name=my-feed");
        var code = Regex.Match(output, "Setup code for the first save on the page: ([A-Z2-9-]{19})").Groups[1].Value;
        var put = Assert.Single(AwsCalls, c => c.Contains("ssm put-parameter", StringComparison.Ordinal));
        var hash = Regex.Match(put, "--value ([0-9a-f]{64})").Groups[1].Value;

        Assert.True(exit == 0, output);
        Assert.Contains("--name /my-feed/fyers/setup_code --type SecureString", put, StringComparison.Ordinal);
        Assert.DoesNotContain(code.Replace("-", string.Empty, StringComparison.Ordinal), string.Join('\n', AwsCalls.Concat(TerraformCalls)), StringComparison.Ordinal);
        var snapshot = new PriceFeed.Tokens.TokenSnapshot(null, null, null, null, null, null, null, hash);
        Assert.True(PriceFeed.Tokens.OwnerAccess.MatchesSetupCode(snapshot, code));
        var remembered = await File.ReadAllTextAsync(settings, TestContext.Current.CancellationToken);
        Assert.Contains("notification_email  = \"you@example.com\"", remembered, StringComparison.Ordinal);
        Assert.Contains("project_name        = \"my-feed\"", remembered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestroySh_KeepsTheLakeBucket_AndRemovesWhatTheAppMadeInSsm()
    {
        await File.WriteAllTextAsync(settings, "notification_email = \"you@example.com\"\nproject_name = \"stock-pipeline\"\naws_region = \"ap-south-1\"\n", TestContext.Current.CancellationToken);
        environment["PRICEFEED_CONFIRM"] = "stock-pipeline";

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "destroy.sh"));

        Assert.True(exit == 0, output);
        Assert.Contains("-chdir=infra state rm aws_s3_bucket.lake", TerraformCalls);
        Assert.Contains("-chdir=infra state rm aws_s3_bucket_versioning.lake", TerraformCalls);
        Assert.DoesNotContain(TerraformCalls, c => c.Contains("state rm aws_lambda_function", StringComparison.Ordinal));
        Assert.Contains(TerraformCalls, c => c.StartsWith("-chdir=infra destroy", StringComparison.Ordinal) && !c.Contains("destroy_lake_data", StringComparison.Ordinal));
        Assert.Contains(AwsCalls, c => c.Contains("ssm delete-parameters --region ap-south-1 --names /stock-pipeline/fyers/access_token /stock-pipeline/status/run-eod", StringComparison.Ordinal));
        Assert.Contains("stock-pipeline-lake-123456789012 was kept with your data", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestroyPs1_KeepsTheLakeBucket_AndRemovesWhatTheAppMadeInSsm()
    {
        await File.WriteAllTextAsync(settings, "project_name = \"stock-pipeline\"\naws_region = \"ap-south-1\"\n", TestContext.Current.CancellationToken);
        environment["PRICEFEED_CONFIRM"] = "stock-pipeline";

        var (exit, output) = await RunAsync(Pwsh(), "-NoProfile", "-File", RepoPaths.Of("scripts", "destroy.ps1"));

        Assert.True(exit == 0, output);
        Assert.Contains("-chdir=infra state rm aws_s3_bucket.lake", TerraformCalls);
        Assert.Contains(TerraformCalls, c => c.StartsWith("-chdir=infra destroy", StringComparison.Ordinal));
        Assert.Contains(AwsCalls, c => c.Contains("ssm delete-parameters --region ap-south-1 --names /stock-pipeline/fyers/access_token /stock-pipeline/status/run-eod", StringComparison.Ordinal));
        Assert.Contains("was kept with your data", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestroySh_UnknownOption_IsOneLineAndUsageExit()
    {
        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "destroy.sh"), "--yes");

        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--yes'; the only one is --delete-data", output, StringComparison.Ordinal);
        Assert.Empty(TerraformCalls);
        Assert.Empty(AwsCalls);
    }

    [Fact]
    public async Task DestroySh_WithoutConfirmation_RemovesNothing()
    {
        await File.WriteAllTextAsync(settings, "project_name = \"stock-pipeline\"\n", TestContext.Current.CancellationToken);

        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "destroy.sh"), "--delete-data");

        Assert.Equal(1, exit);
        Assert.Contains("nothing was removed", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TerraformCalls, c => c.Contains("destroy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeploySh_AppliesWithTheEmail_AndPrintsThePageAndRedirectUri()
    {
        var (exit, output) = await RunAsync("bash", RepoPaths.Of("scripts", "deploy.sh"), "--skip-build", "you@example.com");

        Assert.True(exit == 0, output);
        Assert.Contains(PageUrl, output, StringComparison.Ordinal);
        Assert.Contains(PageUrl + "callback", output, StringComparison.Ordinal);
        Assert.Equal("-chdir=infra init -input=false -upgrade", TerraformCalls[0]);
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
        var code = Regex.Match(output, "Setup code for the first save on the page: ([A-Z2-9-]{19})").Groups[1].Value;
        var hash = Regex.Match(Assert.Single(AwsCalls, c => c.Contains("--name /my-feed/fyers/setup_code", StringComparison.Ordinal)), "--value ([0-9a-f]{64})").Groups[1].Value;
        Assert.True(PriceFeed.Tokens.OwnerAccess.MatchesSetupCode(new PriceFeed.Tokens.TokenSnapshot(null, null, null, null, null, null, null, hash), code));
        Assert.Contains("project_name        = \"my-feed\"", await File.ReadAllTextAsync(settings, TestContext.Current.CancellationToken), StringComparison.Ordinal);
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
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        process.StandardInput.Close(); // nobody at the keyboard: a confirmation prompt reads nothing
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("import \\{\\s*to = (\\S+)\\s*id = \"([^\"]*)\"\\s*\\}")]
    private static partial Regex ImportPattern();

    [GeneratedRegex(@"-var ([a-z_]+)=")]
    private static partial Regex VarPattern();
}
