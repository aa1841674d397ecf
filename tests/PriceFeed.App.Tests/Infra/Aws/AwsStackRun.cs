using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PriceFeed.App.Tests.Support;
using PriceFeed.Sandbox;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// A trading day of the AWS home against moto with IAM enforced, each function as Lambda runs it
/// (the packaged zip, its role's policy rendered from infra/iam.tf, its own access key): the owner's
/// first setup and login, the page's owner views, the watchlist card, the FYERS check; the pre-open
/// check, intraday, quotes and end-of-day runs; then `pricefeed verify --repair` over a damaged file
/// as a person with the lake_maintenance policy. FYERS is the sandbox of an in-process app. Run once
/// for the class; the tests then judge what moto refused and what was recorded.
/// </summary>
public sealed class AwsStackRun : IAsyncLifetime
{
    /// <summary>Friday 27 Nov 2026, 11:00 IST: a session day, mid-session.</summary>
    public static readonly DateTimeOffset Morning = new(2026, 11, 27, 11, 0, 0, TimeSpan.FromMinutes(330));

    private const string SetupCode = "ABCDEFGHJKMNPQRS";

    /// <summary>Which policy document each identity carries (the Lambda roles, and the person who repairs the lake).</summary>
    internal static readonly IReadOnlyDictionary<string, string> Documents = new Dictionary<string, string>
    {
        ["token-generator"] = "token_generator",
        ["ingestion"] = "ingestion",
        ["lake-maintenance"] = "lake_maintenance",
    };

    private readonly string root = Directory.CreateTempSubdirectory("pricefeed-aws-").FullName;
    private readonly List<string> log = [];

    internal InfraModel Model { get; } = InfraModel.Load();

    internal IReadOnlyList<RecordedRequest> Requests { get; private set; } = [];

    internal IReadOnlyDictionary<string, string> IdentityByKey { get; private set; } = new Dictionary<string, string>();

    /// <summary>What each step answered, for the failure message of a test.</summary>
    public string Log => string.Join('\n', log);

    internal List<(string Step, HttpStatusCode Status, string Body)> Answers { get; } = [];

    internal (int ExitCode, string Output) Verify { get; private set; }

    /// <summary>The requests each step caused (the step's own and the function's), for the cost count in docs/deploy-aws.md.</summary>
    internal Dictionary<string, IReadOnlyList<RecordedRequest>> ByStep { get; } = [];

    private MotoServer? moto;

    public string Bucket => Model.Attribute("aws_s3_bucket", "lake", "bucket");

    public string LakePrefix => (string)Model.Local("lake_prefix")!;

    public async ValueTask InitializeAsync()
    {
        var zip = RepoPaths.Of("artifacts", "lambda", "pricefeed-lambda.zip");
        if (!File.Exists(zip))
        {
            throw new InvalidOperationException($"{zip} is missing: run scripts/package-lambda.sh (scripts/test.sh does).");
        }

        ZipFile.ExtractToDirectory(zip, Path.Combine(root, "task"));
        var project = (string)Model.Value(JsonValue.Create("${var.project_name}"))!;
        var holidays = Model.Attribute("aws_ssm_parameter", "holidays", "name");
        var watchlist = Model.Attribute("aws_ssm_parameter", "watchlist", "name");
        var web = FreePort.Next();

        await using var fyers = await TestApp.StartAsync(now: Morning, sandbox: o => o.Apps[0].RedirectUris.Add(new Uri(web, "prod/callback").AbsoluteUri));
        await using var moto = this.moto = await MotoServer.StartAsync();
        var identities = Documents.ToDictionary(d => d.Key, d => MotoPolicy(Model.Policy(d.Value)));
        identities["admin"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(new JsonObject { ["Effect"] = "Allow", ["Action"] = "*", ["Resource"] = "*" }) };
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SetupCode)));
        var keys = await moto.SetUpAsync(
            [Bucket],
            [(holidays, "none", "String"), (watchlist, "NSE:SBIN-EQ,NSE:NIFTY50-INDEX", "String"), ($"/{project}/fyers/setup_code", hash, "SecureString")],
            identities);
        IdentityByKey = keys.ToDictionary(k => k.Value.Key, k => k.Key);

        Dictionary<string, string> Environment(string identity, Dictionary<string, string> extra)
        {
            var env = new Dictionary<string, string>(extra)
            {
                // What infra/main-mvp.tf sets on both functions, with AWS and FYERS pointed at the stand-ins.
                ["AWS_LAMBDA_EXEC_WRAPPER"] = "/opt/bootstrap",
                ["AWS_LWA_READINESS_CHECK_PATH"] = "/healthz",
                ["AWS_REGION"] = Model.Region,
                ["AWS_ACCESS_KEY_ID"] = keys[identity].Key,
                ["AWS_SECRET_ACCESS_KEY"] = keys[identity].Secret,
                ["Tokens__Store"] = "ssm",
                ["Tokens__Project"] = project,
                ["Tokens__SsmServiceUrl"] = moto.Endpoint.AbsoluteUri,
                ["Ingestion__LocalScheduler"] = "false",
                ["Ingestion__Resolutions"] = "1",
                ["Ingestion__WatchlistParameter"] = watchlist,
                ["Calendar__HolidaysParameter"] = holidays,
                ["Lake__Sink"] = "s3",
                ["Lake__Bucket"] = Bucket,
                ["Lake__Prefix"] = LakePrefix,
                ["Lake__Region"] = Model.Region,
                ["Lake__ServiceUrl"] = moto.Endpoint.AbsoluteUri,
                ["Lake__ForcePathStyle"] = "true",
                ["Lake__ChecksumsWhenRequired"] = "true",
                // A lease left behind (a refused release) shows as a refused run within the step, not a 2-minute wait.
                ["Lake__WriterWait"] = "00:00:10",
                ["Fyers__UseSandbox"] = "true",
                ["Fyers__AuthBaseUri"] = new Uri(fyers.Settings.Origin, "sandbox/fyers/api/v3/").AbsoluteUri,
                ["Fyers__DataBaseUri"] = new Uri(fyers.Settings.Origin, "sandbox/fyers/data/").AbsoluteUri,
                ["Fyers__SymbolMasterBaseUri"] = new Uri(fyers.Settings.Origin, "sandbox/fyers/sym_details/").AbsoluteUri,
                ["Fyers__DataSocketUri"] = new UriBuilder(new Uri(fyers.Settings.Origin, "sandbox/fyers/hsm/v1-5/prod")) { Scheme = "ws" }.Uri.AbsoluteUri,
            };
            return env;
        }

        var task = Path.Combine(root, "task");
        var ingestionEnv = Environment("ingestion", new() { ["Events__Enabled"] = "true", ["AWS_LWA_ERROR_STATUS_CODES"] = "500-599" });

        // The owner's first morning: setup code, credentials, login, then the page's owner views.
        await using (var page = await LambdaProcess.StartAsync(task, $"{project}-token-generator", Morning, Environment("token-generator", new() { ["PathBase"] = "/prod", ["Web__PublicOrigin"] = web.GetLeftPart(UriPartial.Authority) }), origin: web))
        {
            using var browser = new PageBrowser(new Uri(web, "prod/"));
            await Step("page: status (anonymous)", browser.SendAsync(HttpMethod.Get, "api/status"));
            await Step("page: save credentials with the setup code", browser.SendAsync(HttpMethod.Put, "api/credentials", new { clientId = SandboxDefaults.ClientId, appSecret = SandboxDefaults.Secret, setupCode = SetupCode }));
            await Step("page: login", browser.LoginAsync());
            await Step("page: status (owner)", browser.SendAsync(HttpMethod.Get, "api/status"));

            await using (var jobs = await LambdaProcess.StartAsync(task, $"{project}-ingestion", Morning.AddMinutes(1), ingestionEnv))
            {
                foreach (var job in new[] { "token-check", "intraday", "quotes", "intraday" })
                {
                    await Step($"ingestion: {job}", jobs.SendAsync(HttpMethod.Post, "events", null, $"{{\"job\":\"{job}\"}}"));
                }
            }

            // A live stream shift (issue 22) as the stream function runs it, under the same role: 40 s
            // until its invocation's deadline (on the function's own clock), ticks uploaded every 10 s.
            var shiftEnv = new Dictionary<string, string>(ingestionEnv) { ["Live__Shift__UploadEvery"] = "00:00:10" };
            var functionClock = Morning.AddMinutes(2) - TimeProvider.System.GetUtcNow();
            await using (var stream = await LambdaProcess.StartAsync(task, $"{project}-stream", Morning.AddMinutes(2), shiftEnv))
            {
                var deadline = (TimeProvider.System.GetUtcNow() + functionClock + TimeSpan.FromSeconds(40)).ToUnixTimeMilliseconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stream.Origin, "events")) { Content = new StringContent("{\"job\":\"stream-shift\"}", Encoding.UTF8, "application/json") };
                request.Headers.Add("x-amzn-lambda-context", $"{{\"deadline\":{deadline}}}");
                await Step("stream: stream-shift", stream.Http.SendAsync(request));
            }

            await Step("page: watchlist", browser.SendAsync(HttpMethod.Get, "api/watchlist"));
            await Step("page: add to watchlist", browser.SendAsync(HttpMethod.Post, "api/watchlist", new { query = "NSE:TCS-EQ" }));
            await Step("page: coverage", browser.SendAsync(HttpMethod.Get, "api/data/coverage"));
            await Step("page: candles", browser.SendAsync(HttpMethod.Get, "api/data/candles?symbol=NSE:SBIN-EQ&date=2026-11-27"));
            await Step("page: check with FYERS", browser.SendAsync(HttpMethod.Post, "api/token/check", new { }));
            await Step("page: status after the runs", browser.SendAsync(HttpMethod.Get, "api/status"));

        }

        // After the close: the end-of-day job.
        fyers.Clock.Advance(TimeSpan.FromHours(5.2));
        var evening = Morning.AddHours(5.2);
        await using (var jobs = await LambdaProcess.StartAsync(task, $"{project}-ingestion", evening, ingestionEnv))
        {
            await Step("ingestion: eod", jobs.SendAsync(HttpMethod.Post, "events", null, "{\"job\":\"eod\"}"));
            await Step("ingestion: intraday after the close", jobs.SendAsync(HttpMethod.Post, "events", null, "{\"job\":\"intraday\"}"));
        }

        // A damaged file, then `pricefeed verify --repair` as a person with the lake_maintenance policy.
        await AdminPutAsync(moto, keys["admin"], $"{LakePrefix}candles/resolution=1/date=2026-11-27/part-000.parquet", "not a parquet file"u8.ToArray());
        var cli = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pricefeed")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "verify", "--repair", "--sandbox", fyers.Settings.Origin.AbsoluteUri })
        {
            cli.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment("lake-maintenance", new() { ["Tokens__DataDirectory"] = Path.Combine(root, "cli-data") }))
        {
            cli.Environment[key] = value;
        }

        ProcessClock.StartAt(cli, evening.AddMinutes(10));
        using (var process = Process.Start(cli)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Verify = (process.ExitCode, await stdout + await stderr);
            log.Add($"verify --repair: exit {Verify.ExitCode}\n{Verify.Output}");
        }

        Requests = moto.Recording();
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Every authorization the recorded requests needed, by who made them (the admin's seeding left out).</summary>
    internal IReadOnlyList<AwsCall> Calls(string? identity = null) =>
        [.. Requests.SelectMany(r => AwsCall.From(r, IdentityByKey, Model.Region, InfraModel.Account)).Where(c => c.Identity != "admin" && (identity is null || c.Identity == identity))];

    /// <summary>
    /// The policy as moto is given it. moto evaluates SSM (and every JSON service) against Resource
    /// "*" only, so a statement scoped to parameter ARNs would be refused even when right: SSM
    /// statements get "*" there, and PolicyCheck holds their ARNs. S3 statements go as they are.
    /// </summary>
    private static JsonObject MotoPolicy(IReadOnlyList<IamStatement> statements) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray([.. statements.Select(s => (JsonNode)new JsonObject
        {
            ["Sid"] = s.Sid,
            ["Effect"] = s.Effect,
            ["Action"] = new JsonArray([.. s.Actions.Select(a => JsonValue.Create(a))]),
            ["Resource"] = s.Actions.All(a => a.StartsWith("ssm:", StringComparison.Ordinal)) ? new JsonArray("*") : new JsonArray([.. s.Resources.Select(r => JsonValue.Create(r))]),
        })]),
    };

    /// <summary>Records the answer, or the failure to get one: the tests judge them, so one broken step names itself.</summary>
    private async Task Step(string step, Task<HttpResponseMessage> sending)
    {
        var before = moto!.Recording().Count;
        try
        {
            using var response = await sending;
            var body = await response.Content.ReadAsStringAsync();
            Answers.Add((step, response.StatusCode, body));
            log.Add($"{step}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 400)]}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            Answers.Add((step, 0, e.Message));
            log.Add($"{step}: no answer ({e.GetType().Name}: {e.Message})");
        }

        ByStep[ByStep.ContainsKey(step) ? $"{step} (again)" : step] = [.. moto.Recording().Skip(before)];
    }

    private async Task AdminPutAsync(MotoServer moto, (string Key, string Secret) admin, string key, byte[] content)
    {
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(admin.Key, admin.Secret), new Amazon.S3.AmazonS3Config
        {
            ServiceURL = moto.Endpoint.AbsoluteUri,
            AuthenticationRegion = Model.Region,
            ForcePathStyle = true,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
        using var body = new MemoryStream(content);
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    /// <summary>A browser on the token page: one cookie jar, the CSRF header on changes, the sandbox's login form.</summary>
    private sealed class PageBrowser : IDisposable
    {
        private readonly Uri page;
        private readonly HttpClient http;
        private string? csrf;

        public PageBrowser(Uri page)
        {
            this.page = page;
#pragma warning disable RS0030 // a browser's stand-in with its own cookie jar
            http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { Timeout = TimeSpan.FromSeconds(60) };
#pragma warning restore RS0030
        }

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, object? json = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(page, relative));
            if (json is not null)
            {
                request.Content = JsonContent.Create(json);
            }

            if (method != HttpMethod.Get)
            {
                if (csrf is null)
                {
                    using var token = await http.GetAsync(new Uri(page, "api/csrf"));
                    csrf = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
                }

                request.Headers.Add("X-CSRF-TOKEN", csrf);
            }

            return await http.SendAsync(request);
        }

        /// <summary>Log in with FYERS (the sandbox's form as XS00001), then follow FYERS' redirect to /callback.</summary>
        public async Task<HttpResponseMessage> LoginAsync()
        {
            using var begin = await SendAsync(HttpMethod.Post, "api/login", new { });
            var loginUrl = new Uri((await begin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("loginUrl").GetString()!);
            using var form = await http.GetAsync(loginUrl);
            var query = System.Web.HttpUtility.ParseQueryString(loginUrl.Query);
            using var fields = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = query["client_id"]!,
                ["redirect_uri"] = query["redirect_uri"]!,
                ["state"] = query["state"]!,
                ["fy_id"] = "XS00001",
                ["totp"] = "123456",
                ["consent"] = "yes",
            });
            using var submitted = await http.PostAsync(new Uri(loginUrl, "sandbox-login"), fields);
            return await http.GetAsync(submitted.Headers.Location!);
        }

        public void Dispose() => http.Dispose();
    }
}
