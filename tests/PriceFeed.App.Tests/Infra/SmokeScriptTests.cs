using System.Diagnostics;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra;

/// <summary>
/// scripts/smoke-aws.sh (issue 18) with stand-ins for terraform, aws and curl on PATH answering as a
/// healthy stack would, or with one thing wrong: one line per check, exit 0 only when all passed.
/// No AWS account is reachable from here; what the real calls answer is in the AWS CLI's reference.
/// </summary>
public sealed class SmokeScriptTests : IDisposable
{
    private readonly string bin = Directory.CreateTempSubdirectory("pricefeed-smoke-").FullName;
    private readonly string awsLog;

    public SmokeScriptTests()
    {
        awsLog = Path.Combine(bin, "aws.log");
        Write("terraform", """
            #!/bin/sh
            case "$*" in
              *token_generator_url*) printf 'https://abc123.execute-api.ap-south-1.amazonaws.com/prod/' ;;
              *project_name*) printf 'stock-pipeline' ;;
              *aws_region*) printf 'ap-south-1' ;;
              *ingestion_function*) printf 'stock-pipeline-ingestion' ;;
              *lake_bucket*) printf 'stock-pipeline-lake-123456789012' ;;
              *alerts_topic_arn*) printf 'arn:aws:sns:ap-south-1:123456789012:stock-pipeline-alerts' ;;
            esac
            """);
        Write("curl", """
            #!/bin/sh
            case "$*" in
              *"api/status"*) printf '{"token":{"state":"missing"}}' ;;
              *) printf 'HTTP/2 200\r\ncontent-type: text/html\r\nstrict-transport-security: max-age=31536000\r\ncontent-security-policy: default-src self\r\nx-content-type-options: nosniff\r\nreferrer-policy: no-referrer\r\n\r\n' ;;
            esac
            """);
        Write("aws", $$"""
            #!/bin/bash
            echo "$*" >> "{{awsLog}}"
            case "$*" in
              *"lambda invoke"*) for last; do :; done; printf '{"job":"x","status":"%s"}' "${FAKE_RUN_STATUS:-login-needed}" > "$last"; printf '200\tNone' ;;
              *"list-subscriptions-by-topic"*) printf '%s' "${FAKE_PENDING:-0}" ;;
              *"describe-alarms"*) for a in token-invalid ingestion-failed data-lag token-page-5xx holiday-list-missing scheduler-target-errors scheduler-dropped ingestion-throttled token-generator-throttled intraday-heartbeat; do printf 'stock-pipeline-%s\tTrue\tTrue\n' "$a"; done ;;
              *"set-alarm-state"*) ;;
              *"list-objects-v2"*) printf '5' ;;
              *"describe-parameters"*) printf '/stock-pipeline/config/watchlist\t/stock-pipeline/config/holidays\t/stock-pipeline/fyers/setup_code' ;;
            esac
            """);
    }

    public void Dispose() => Directory.Delete(bin, recursive: true);

    [Fact]
    public async Task SmokeAws_AHealthyStack_EveryCheckOk_AndEachAlarmSendsATestMail()
    {
        var (exit, output) = await RunAsync([]);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("ok    ingestion job token-check runs (login-needed)", output, StringComparison.Ordinal);
        var log = await File.ReadAllLinesAsync(awsLog, TestContext.Current.CancellationToken);
        Assert.Equal(10, log.Count(l => l.Contains("--state-value ALARM", StringComparison.Ordinal)));
        Assert.Equal(10, log.Count(l => l.Contains("--state-value OK", StringComparison.Ordinal)));
        Assert.Contains("Expect 20 test emails", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmokeAws_AnUnconfirmedSubscriptionAndAFailedJob_AreOneFailLineEach_Exit1()
    {
        var (exit, output) = await RunAsync(["--no-mail"], ("FAKE_PENDING", "1"), ("FAKE_RUN_STATUS", "failed"));

        Assert.Equal(1, exit);
        Assert.Contains("FAIL  the email subscription is not confirmed", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("FAIL  ingestion job", StringComparison.Ordinal)));
        Assert.False(File.ReadAllText(awsLog).Contains("set-alarm-state", StringComparison.Ordinal), "--no-mail sent mail");
    }

    private void Write(string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, body.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task<(int Exit, string Output)> RunAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(RepoPaths.Of("scripts", "smoke-aws.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
