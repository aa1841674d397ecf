using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra;

/// <summary>
/// The deployment zip from scripts/package-lambda.sh, unpacked and started the way Lambda starts it:
/// the adapter layer's /opt/bootstrap execs ${LAMBDA_TASK_ROOT}/${_HANDLER} (run.sh), with the
/// environment Terraform sets. The requests are the ones the adapter makes: a Scheduler payload as
/// POST /events, and an API Gateway request whose raw path keeps the /prod stage.
/// </summary>
[Trait("Category", "Packaged")]
public sealed class LambdaPackageTests : IAsyncLifetime
{
    private static readonly string Zip = RepoPaths.Of("artifacts", "lambda", "pricefeed-lambda.zip");
    private static readonly string Arm64Zip = RepoPaths.Of("artifacts", "lambda-arm64", "pricefeed-lambda.zip");
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private const string Arm64Loader = "/lib/ld-linux-aarch64.so.1";
    private readonly string root = Directory.CreateTempSubdirectory("pricefeed-lambda-").FullName;
    private SsmFake ssm = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Zip))
        {
            throw new InvalidOperationException($"{Zip} is missing: run scripts/package-lambda.sh (scripts/test.sh does).");
        }

        ZipFile.ExtractToDirectory(Zip, root);
        ssm = await SsmFake.StartAsync();
        foreach (var name in new[] { "access_token", "refresh_token", "client_id", "app_secret" })
        {
            ssm.Parameters[$"/stock-pipeline/fyers/{name}"] = new SsmFake.Parameter($"/stock-pipeline/fyers/{name}", "placeholder", "SecureString", null, 1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ssm.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Zip_HoldsTheHandlerAndTheBinary_Executable_AndNothingElse()
    {
        using var zip = ZipFile.OpenRead(Zip);

        Assert.Equal(["pricefeed", "run.sh"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var entry in zip.Entries)
        {
            var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
            Assert.True(mode == 0x1ED, $"{entry.FullName} has mode {Convert.ToString(mode, 8)}, not 755");
        }

        var script = File.ReadAllText(Path.Combine(root, "run.sh"));
        Assert.DoesNotContain('\r', script);
        Assert.StartsWith("#!/bin/sh\n", script, StringComparison.Ordinal);
    }

    /// <summary>Friday 27 Nov 2026, 09:00 IST: a trading day, before the open.</summary>
    private static readonly DateTimeOffset TradingDay = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromMinutes(330));

    /// <summary>Saturday 28 Nov 2026, 09:00 IST: no session.</summary>
    private static readonly DateTimeOffset Saturday = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromMinutes(330));

    // The function runs on a pinned clock (libfaketime): the answer depends on the IST date, and a test
    // that read today's date would check one branch on weekdays and the other at weekends.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IngestionFunction_RunsASchedulerPayloadThroughEvents_AndWritesEmfBeforeAnswering(bool tradingDay)
    {
        await using var function = await LambdaProcess.StartAsync(root, "stock-pipeline-ingestion", tradingDay ? TradingDay : Saturday, Environment(new()
        {
            ["Events__Enabled"] = "true",
            ["AWS_LWA_ERROR_STATUS_CODES"] = "500-599",
            ["Lake__Sink"] = "s3",
            ["Lake__Bucket"] = "stock-pipeline-lake-000000000000",
            ["Lake__Prefix"] = "lake/",
        }));

        // Exactly what the adapter sends for a non-HTTP event (docs/deploy-aws.md A3).
        using var body = new StringContent("{\"job\":\"token-check\"}", Encoding.UTF8, "application/json");
        using var response = await function.Http.PostAsync(new Uri(function.Origin, "events"), body, Ct);
        var emf = await function.WaitForLineAsync("{\"_aws\"");
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        // No token is stored yet: on a trading day a reminder to log in (200: no Lambda error, no retry,
        // TokenValid=0 raises the one mail), nothing to do otherwise.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tradingDay ? "login-needed" : "skipped", report.GetProperty("status").GetString());
        Assert.NotNull(emf);
        using var metrics = JsonDocument.Parse(emf);
        Assert.Equal("token-check", metrics.RootElement.GetProperty("Job").GetString());
        Assert.Equal(tradingDay, metrics.RootElement.TryGetProperty("TokenValid", out _));
        Assert.Equal(tradingDay, ssm.Calls.Contains("AmazonSSM.GetParameters")); // the token is read only when it is needed
        Assert.Contains("AmazonSSM.PutParameter", ssm.Calls); // the run summary the token page shows

        using var unknown = new StringContent("{\"job\":\"nightly\"}", Encoding.UTF8, "application/json");
        using var refused = await function.Http.PostAsync(new Uri(function.Origin, "events"), unknown, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("intraday", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenGenerator_ServesThePageAndApiUnderProd_AndHasNoEventsEndpoint()
    {
        // As Terraform configures it: the stage's path base and the API's endpoint as the one public origin.
        await using var function = await LambdaProcess.StartAsync(root, "stock-pipeline-token-generator", TradingDay, Environment(new()
        {
            ["PathBase"] = "/prod",
            ["Web__PublicOrigin"] = "https://abc123.execute-api.ap-south-1.amazonaws.com",
        }));

        var context = "{\"accountId\":\"123456789012\",\"apiId\":\"abc123\",\"domainName\":\"abc123.execute-api.ap-south-1.amazonaws.com\",\"stage\":\"prod\",\"http\":{\"method\":\"GET\",\"path\":\"/prod/\"}}";
        using var page = await function.SendAsync(HttpMethod.Get, "prod/", context);
        using var status = await function.SendAsync(HttpMethod.Get, "prod/api/status", context);
        using var script = await function.SendAsync(HttpMethod.Get, "prod/app.js", context);
        using var openApi = await function.SendAsync(HttpMethod.Get, "prod/openapi/v1.json", context);
        using var health = await function.SendAsync(HttpMethod.Get, "healthz", null);
        using var events = await function.SendAsync(HttpMethod.Post, "events", null, "{\"job\":\"intraday\"}");
        using var foreign = await function.SendAsync(HttpMethod.Get, "prod/api/status", context, host: "evil.example");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("src=\"app.js\"", html, StringComparison.Ordinal); // relative: resolves under /prod/
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var state = await status.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(state.GetProperty("owner").GetBoolean()); // an anonymous visitor: no callback URL, no account
        Assert.Equal(JsonValueKind.Null, state.GetProperty("callbackUrl").ValueKind);
        var servers = (await openApi.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("servers");
        Assert.Equal("https://abc123.execute-api.ap-south-1.amazonaws.com/prod/", servers[0].GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Contains("max-age", page.Headers.TryGetValues("Strict-Transport-Security", out var hsts) ? string.Join(',', hsts) : string.Empty, StringComparison.Ordinal);
    }

    /// <summary>
    /// The Graviton zip (PRICEFEED_ARCH=arm64, cross-compiled by scripts/test.sh), run under qemu
    /// user-mode emulation with Debian's arm64 glibc and OpenSSL 3 (multiarch, as Amazon Linux 2023
    /// has them): an AArch64 binary, the same handler, and the same answers to the adapter's readiness
    /// check and a Scheduler payload, whose SigV4-signed SSM calls need the arm64 libssl. qemu is slow
    /// (about 2 s to the first /healthz); the speed is not the point.
    /// </summary>
    [Fact]
    public async Task Arm64Zip_UnderQemu_AnswersTheReadinessCheckAndASchedulerPayload()
    {
        if (!File.Exists(Arm64Zip) || !File.Exists(Qemu) || !File.Exists(Arm64Loader))
        {
            throw new InvalidOperationException($"{Arm64Zip}, {Qemu} or {Arm64Loader} is missing: scripts/test.sh installs qemu-user-static and libssl3:arm64 and builds the zip.");
        }

        var arm64 = Directory.CreateTempSubdirectory("pricefeed-lambda-arm64-").FullName;
        try
        {
            ZipFile.ExtractToDirectory(Arm64Zip, arm64);
            var header = new byte[20];
            await using (var binary = File.OpenRead(Path.Combine(arm64, "pricefeed")))
            {
                await binary.ReadExactlyAsync(header, Ct);
            }

            Assert.Equal(0xB7, BitConverter.ToUInt16(header, 18)); // e_machine EM_AARCH64
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(root, "run.sh"), Ct), await File.ReadAllTextAsync(Path.Combine(arm64, "run.sh"), Ct));

            await using var function = await LambdaProcess.StartAsync(arm64, "stock-pipeline-ingestion", TradingDay, Environment(new() { ["Events__Enabled"] = "true" }), emulator: [Qemu]);
            using var health = await function.Http.GetAsync(new Uri(function.Origin, "healthz"), Ct);
            using var unknown = new StringContent("{\"job\":\"nightly\"}", Encoding.UTF8, "application/json");
            using var refused = await function.Http.PostAsync(new Uri(function.Origin, "events"), unknown, Ct);
            using var body = new StringContent("{\"job\":\"token-check\"}", Encoding.UTF8, "application/json");
            using var response = await function.Http.PostAsync(new Uri(function.Origin, "events"), body, Ct);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            // A trading day on the emulated binary's pinned clock: the check reads SSM (SigV4 over arm64 libssl), finds no token and asks for a login.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("login-needed", report.GetProperty("status").GetString());
            Assert.Contains("AmazonSSM.GetParameters", ssm.Calls);
            Assert.NotNull(await function.WaitForLineAsync("{\"_aws\""));
        }
        finally
        {
            Directory.Delete(arm64, recursive: true);
        }
    }

    private Dictionary<string, string> Environment(Dictionary<string, string> extra) => new(extra)
    {
        // What infra/main-mvp.tf sets on both functions, with the SSM endpoint pointed at the fake.
        ["AWS_LAMBDA_EXEC_WRAPPER"] = "/opt/bootstrap",
        ["AWS_LWA_READINESS_CHECK_PATH"] = "/healthz",
        ["Tokens__Store"] = "ssm",
        ["Tokens__Project"] = "stock-pipeline",
        ["Tokens__SsmServiceUrl"] = ssm.Url.AbsoluteUri,
        ["Ingestion__LocalScheduler"] = "false",
        ["AWS_REGION"] = "ap-south-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
    };
}
