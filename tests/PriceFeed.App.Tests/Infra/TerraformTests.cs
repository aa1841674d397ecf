using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PriceFeed.App.Tests.Support;
using PriceFeed.Fyers.Data;
using PriceFeed.Ingestion;
using PriceFeed.Lake;
using PriceFeed.Testing;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Infra;

/// <summary>
/// Structural checks over infra/*.tf, parsed by npm @cdktf/hcl2json (tests/infra). `terraform
/// validate` and `plan` need the AWS provider, which cannot be fetched offline (docs/deploy-aws.md A7),
/// so these tests hold the rules that matter: least privilege, log retention, India time, token
/// parameters Terraform never reverts, a private bucket, and names that match the app's own.
/// </summary>
public sealed partial class TerraformTests
{
    private static readonly Lazy<JsonObject> Parsed = new(Parse);

    private static JsonObject Blocks(string kind) => Merge(kind);

    private static IEnumerable<(string Type, string Name, JsonObject Body)> Resources(string type) =>
        Blocks("resource")[type] is JsonObject named
            ? named.Select(n => (type, n.Key, n.Value!.AsArray()[0]!.AsObject()))
            : [];

    private static JsonObject Resource(string type, string name) =>
        Blocks("resource")[type]?[name]?.AsArray()[0]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"resource {type}.{name} is missing");

    private static JsonObject PolicyDocument(string name) =>
        Blocks("data")["aws_iam_policy_document"]?[name]?.AsArray()[0]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"policy document {name} is missing");

    private static string Local(string name) =>
        Blocks("locals")[name]?.ToString() ?? throw new Xunit.Sdk.XunitException($"local.{name} is missing");

    /// <summary>Every statement of a policy document, the dynamic ones' content included.</summary>
    private static IEnumerable<JsonObject> Statements(JsonObject document)
    {
        foreach (var s in document["statement"]?.AsArray() ?? [])
        {
            yield return s!.AsObject();
        }

        foreach (var d in document["dynamic"]?["statement"]?.AsArray() ?? [])
        {
            foreach (var c in d!["content"]!.AsArray())
            {
                yield return c!.AsObject();
            }
        }
    }

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => x!.ToString())] : node is null ? [] : [node.ToString()];

    [Fact]
    public void EveryFunction_HasItsOwnLogGroup_WithRetention_NamedAsLambdaExpects()
    {
        var functions = Resources("aws_lambda_function").ToList();
        Assert.Equal(["ingestion", "stream", "token_generator"], functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var (_, name, body) in functions)
        {
            var logGroupRef = body["logging_config"]![0]!["log_group"]!.ToString();
            var groupName = LogGroupRefPattern().Match(logGroupRef) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"{name}: log_group is not a managed log group ({logGroupRef})");
            var group = Resource("aws_cloudwatch_log_group", groupName);
            Assert.NotNull(group["retention_in_days"]);
            Assert.Equal($"/aws/lambda/{body["function_name"]}", group["name"]!.ToString());
        }

        Assert.Equal("${var.project_name}-token-generator", Local("web_name"));
        Assert.Equal("${var.project_name}-ingestion", Local("ingest_name"));
        Assert.All(Resources("aws_cloudwatch_log_group"), g => Assert.NotNull(g.Body["retention_in_days"]));
    }

    /// <summary>
    /// Issue 12: infra/adopt.tsv, what scripts/deploy.sh --adopt (and the PowerShell -Adopt) may import
    /// from a stack this clone did not create, names every resource Terraform creates under a fixed
    /// name (else that one still fails with "already exists"), with the name Terraform gives it, and
    /// only resources that always exist in the configuration (an import into an absent one fails).
    /// </summary>
    [Fact]
    public void AdoptTable_CoversEveryResourceWithAFixedName_UnderTerraformsOwnNames()
    {
        var rows = File.ReadAllLines(RepoPaths.Of("infra", "adopt.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToList();
        var deploySh = File.ReadAllText(RepoPaths.Of("scripts", "deploy.sh"));
        var deployPs1 = File.ReadAllText(RepoPaths.Of("scripts", "deploy-token-generator.ps1"));
        var scheduleKeys = ScheduleKeyPattern().Matches(Local("schedules")).Select(m => m.Groups[1].Value).ToList();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            Assert.True(row.Length == 4, string.Join(" | ", row));
            var address = AddressPattern().Match(row[0]);
            Assert.True(address.Success, row[0]);
            var (type, name, key) = (address.Groups[1].Value, address.Groups[2].Value, address.Groups[3].Success ? address.Groups[3].Value : null);
            var body = Resource(type, name);
            Assert.Null(body["count"]);
            if (key is not null)
            {
                Assert.Contains(key, scheduleKeys);
            }

            var attribute = type switch { "aws_lambda_function" => "function_name", "aws_s3_bucket" => "bucket", "aws_lambda_permission" => "statement_id", _ => "name" };
            var terraformName = ResolveName(body[attribute]!.ToString(), key);
            Assert.True(row[2] == terraformName || row[2].EndsWith('/' + terraformName, StringComparison.Ordinal) || row[2].EndsWith(':' + terraformName, StringComparison.Ordinal), $"{row[0]}: adopt.tsv checks '{row[2]}', Terraform names it '{terraformName}'");
            Assert.Contains(terraformName.Split('/')[^1], row[3], StringComparison.Ordinal);
            Assert.Contains($"    {row[1]})", deploySh, StringComparison.Ordinal);
            Assert.Contains($"'{row[1]}'", deployPs1, StringComparison.Ordinal);
            covered.Add(row[0]);
        }

        // Created under a fixed name, so creating it beside an old one fails; everything else is put (replaced) or may share a name.
        string[] fixedNameTypes = ["aws_cloudwatch_log_group", "aws_iam_role", "aws_lambda_function", "aws_lambda_permission", "aws_ssm_parameter", "aws_s3_bucket", "aws_sns_topic", "aws_scheduler_schedule_group", "aws_scheduler_schedule", "aws_budgets_budget", "aws_glue_catalog_database", "aws_glue_catalog_table", "aws_athena_workgroup"];
        // Not adopted, and why (docs/deploy-aws.md, "A stack of the same name").
        string[] notAdopted = ["aws_glue_catalog_database.lake", "aws_glue_catalog_table.candles", "aws_athena_workgroup.lake", "aws_scheduler_schedule.job[\"quotes\"]", "aws_lambda_function.stream", "aws_cloudwatch_log_group.stream", "aws_scheduler_schedule.stream"]; // exist only when enabled
        foreach (var type in fixedNameTypes)
        {
            foreach (var (_, name, body) in Resources(type))
            {
                var addresses = type == "aws_scheduler_schedule" && name == "job" ? scheduleKeys.Select(k => $"{type}.{name}[\"{k}\"]") : [$"{type}.{name}"];
                foreach (var address in addresses)
                {
                    Assert.True(covered.Contains(address) || notAdopted.Contains(address), $"{address} has a fixed name but infra/adopt.tsv does not list it");
                }
            }
        }
    }

    /// <summary>A Terraform name expression with adopt.tsv's placeholders for the project, the account and a for_each key.</summary>
    private static string ResolveName(string expression, string? key) =>
        LocalRefPattern().Replace(expression, m => m.Groups[1].Value == "account" ? "{account}" : ResolveName(Local(m.Groups[1].Value), key))
            .Replace("${var.project_name}", "{project}", StringComparison.Ordinal)
            .Replace("${each.key}", key ?? "${each.key}", StringComparison.Ordinal);

    [Fact]
    public void NoAllowStatement_UsesWildcardActionsOrResources()
    {
        var documents = Blocks("data")["aws_iam_policy_document"]!.AsObject();
        Assert.NotEmpty(documents);
        foreach (var (name, node) in documents)
        {
            foreach (var statement in Statements(node!.AsArray()[0]!.AsObject()))
            {
                if (statement["effect"]?.ToString() == "Deny")
                {
                    continue; // the bucket's TLS-only guard denies s3:* on purpose
                }

                foreach (var action in Strings(statement["actions"]))
                {
                    Assert.False(action == "*" || action.EndsWith(":*", StringComparison.Ordinal), $"{name}: action {action}");
                }

                foreach (var resource in Strings(statement["resources"]))
                {
                    Assert.NotEqual("*", resource);
                    Assert.DoesNotMatch(@"parameter/\*|:\*:\*", resource);
                }
            }
        }
    }

    [Fact]
    public void OnlyTheTokenGenerator_CanWriteTheTokenParameters()
    {
        Assert.EndsWith(":parameter/${var.project_name}/fyers", Local("ssm_fyers_path"), StringComparison.Ordinal);
        static bool WritesFyers(JsonObject s) =>
            Strings(s["actions"]).Any(a => a is "ssm:PutParameter" or "ssm:DeleteParameter" or "ssm:DeleteParameters" or "ssm:LabelParameterVersion")
            && Strings(s["resources"]).Any(r => r.Contains("ssm_fyers_path", StringComparison.Ordinal) || r.Contains("/fyers", StringComparison.Ordinal));

        Assert.Contains(Statements(PolicyDocument("token_generator")), WritesFyers);
        foreach (var other in new[] { "ingestion", "scheduler" })
        {
            Assert.DoesNotContain(Statements(PolicyDocument(other)), WritesFyers);
        }

        // Runs: the ingestion function writes them, the token page reads them, under the names the app uses.
        Assert.EndsWith(":parameter/${var.project_name}/status/run-*", Local("ssm_runs"), StringComparison.Ordinal);
        Assert.StartsWith("/stock-pipeline/status/run-", PriceFeed.Ingestion.SsmRunLog.Name("stock-pipeline", PriceFeed.Ingestion.Job.Intraday), StringComparison.Ordinal);
        Assert.Contains(Statements(PolicyDocument("ingestion")), s => Strings(s["actions"]).Contains("ssm:PutParameter") && Strings(s["resources"]).Contains("${local.ssm_runs}"));
        Assert.Contains(Statements(PolicyDocument("token_generator")), s => Strings(s["actions"]).Contains("ssm:GetParameters") && Strings(s["resources"]).Contains("${local.ssm_runs}"));

        // Issue 13: the page's watchlist card changes the parameter the jobs read, and nothing else of theirs.
        Assert.Contains(Statements(PolicyDocument("token_generator")), s => Strings(s["actions"]).SequenceEqual(["ssm:GetParameter", "ssm:PutParameter"]) && Strings(s["resources"]).SequenceEqual(["${local.ssm_watchlist}"]));
        Assert.Contains("Ingestion__WatchlistParameter", Resource("aws_lambda_function", "token_generator").ToJsonString(), StringComparison.Ordinal);

        // /data: the token page reads the lake's candles and nothing else of it; only ingestion writes.
        var pageS3 = Statements(PolicyDocument("token_generator")).Where(st => Strings(st["actions"]).Any(a => a.StartsWith("s3:", StringComparison.Ordinal))).ToList();
        Assert.All(pageS3, st => Assert.DoesNotContain(Strings(st["actions"]), a => a is "s3:PutObject" or "s3:DeleteObject"));
        Assert.Contains(pageS3, st => Strings(st["resources"]).SequenceEqual(["${aws_s3_bucket.lake.arn}/${local.lake_prefix}candles/*"]));
        Assert.Equal("${local.lake_prefix}", Resource("aws_lambda_function", "token_generator")["environment"]![0]!["variables"]!.ToJsonString().Contains("Lake__Prefix", StringComparison.Ordinal) ? "${local.lake_prefix}" : "missing");

        // The token check the ingestion job writes lives outside /fyers/ in the app too.
        Assert.Equal("/stock-pipeline/status/token_check", TokenParameters.FullName("stock-pipeline", TokenParameters.TokenCheck));
        Assert.EndsWith(":parameter/${var.project_name}/status/token_check", Local("ssm_token_check"), StringComparison.Ordinal);
        Assert.Equal("${local.web_name}-role", Resource("aws_iam_role", "token_generator")["name"]!.ToString());
        Assert.Equal("${aws_iam_role.token_generator.arn}", Resource("aws_lambda_function", "token_generator")["role"]!.ToString());
        Assert.Equal("${aws_iam_role.ingestion.arn}", Resource("aws_lambda_function", "ingestion")["role"]!.ToString());
    }

    /// <summary>
    /// Issue 12: no token or secret value in the state. Terraform manages no parameter under
    /// /fyers/ (refresh would copy the live, decrypted values into the state); earlier stacks only
    /// forget theirs (a removed block that does not destroy).
    /// </summary>
    [Fact]
    public void TokenParameters_AreNotInTerraform_SoNoSecretReachesTheState()
    {
        var ssmParameters = Blocks("resource")["aws_ssm_parameter"]!.AsObject();
        Assert.False(ssmParameters.ContainsKey("fyers"));
        Assert.All(ssmParameters.Select(p => p.Value!.AsArray()[0]!["name"]!.ToString()), name => Assert.DoesNotContain("/fyers/", name, StringComparison.Ordinal));
        var removed = Parsed.Value.Select(f => f.Value?["removed"]).OfType<JsonArray>().SelectMany(a => a).Single()!;
        Assert.Equal("aws_ssm_parameter.fyers", removed["from"]!.ToString().Trim('$', '{', '}'));
        Assert.Equal("False", removed["lifecycle"]![0]!["destroy"]!.ToString(), ignoreCase: true);
    }

    /// <summary>Issue 12: the ingestion role reads the token, its app and account, and the last check; nothing else, and no cookie keys.</summary>
    [Fact]
    public void IngestionRole_ReadsOnlyWhatTheJobsNeed()
    {
        var names = QuotedPattern().Matches(Local("job_token_parameters")).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(TokenParameters.ForJobs.Where(n => n != TokenParameters.TokenCheck), names);
        Assert.DoesNotContain(TokenParameters.AppSecret, names);
        Assert.DoesNotContain(TokenParameters.RefreshToken, names);
        var read = Statements(PolicyDocument("ingestion")).Single(s => s["sid"]?.ToString() == "FyersParametersRead");
        Assert.Equal(["ssm:GetParameters"], Strings(read["actions"]));
        Assert.Contains("job_token_parameters", read["resources"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("/*", read["resources"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Statements(PolicyDocument("ingestion")), s => s.ToJsonString().Contains("ssm_dp_path", StringComparison.Ordinal));
    }

    [Fact]
    public void Schedules_RunInIndiaTime_WithFewRetries_AndOnlyJobsTheAppKnows()
    {
        var schedule = Resource("aws_scheduler_schedule", "job");
        Assert.Equal("Asia/Kolkata", schedule["schedule_expression_timezone"]!.ToString());
        Assert.Equal("OFF", schedule["flexible_time_window"]![0]!["mode"]!.ToString());
        var target = schedule["target"]![0]!;
        Assert.Equal("${aws_lambda_function.ingestion.arn}", target["arn"]!.ToString());
        Assert.True(target["retry_policy"]![0]!["maximum_retry_attempts"]!.GetValue<int>() <= 2);

        // Lambda's own async retries would replay a failed run on top of the next tick.
        var invoke = Resource("aws_lambda_function_event_invoke_config", "ingestion");
        Assert.Equal("${aws_lambda_function.ingestion.function_name}", invoke["function_name"]!.ToString());
        Assert.Equal(0, invoke["maximum_retry_attempts"]!.GetValue<int>());
        Assert.InRange(invoke["maximum_event_age_in_seconds"]!.GetValue<int>(), 60, 300);
        Assert.Equal("${jsonencode({ job = each.key })}", target["input"]!.ToString());

        var jobs = Blocks("locals")["schedules"]!.ToString();
        var keys = ScheduleKeyPattern().Matches(jobs).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["intraday", "eod", "token-check", "quotes"], keys);
        Assert.All(keys, k => Assert.Contains(k, RunNames.ScheduledNames));
        Assert.All(Resources("aws_scheduler_schedule"), s => Assert.Equal("Asia/Kolkata", s.Body["schedule_expression_timezone"]!.ToString()));
    }

    [Fact]
    public void LakeBucket_IsPrivateEncryptedAndTlsOnly()
    {
        var block = Resource("aws_s3_bucket_public_access_block", "lake");
        Assert.Equal("${aws_s3_bucket.lake.id}", block["bucket"]!.ToString());
        foreach (var flag in new[] { "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets" })
        {
            Assert.True(block[flag]!.GetValue<bool>(), flag);
        }

        Assert.NotNull(Resource("aws_s3_bucket_server_side_encryption_configuration", "lake")["rule"]![0]!["apply_server_side_encryption_by_default"]);
        Assert.Equal("BucketOwnerEnforced", Resource("aws_s3_bucket_ownership_controls", "lake")["rule"]![0]!["object_ownership"]!.ToString());
        var deny = Assert.Single(Statements(PolicyDocument("lake_tls_only")));
        Assert.Equal("aws:SecureTransport", deny["condition"]![0]!["variable"]!.ToString());
        Assert.NotEmpty(Resource("aws_s3_bucket_lifecycle_configuration", "lake")["rule"]!.AsArray());
    }

    [Fact]
    public void ErrorStatusCodes_AreSetOnTheIngestionFunctionOnly_AndThePageServesUnderProd()
    {
        string Env(string function) => Resource("aws_lambda_function", function)["environment"]![0]!["variables"]!.ToString();
        Assert.Contains("AWS_LWA_ERROR_STATUS_CODES", Env("ingestion"), StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_LWA_ERROR_STATUS_CODES", Env("token_generator"), StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_LWA_ERROR_STATUS_CODES", Local("common_env"), StringComparison.Ordinal);
        Assert.Contains("Events__Enabled", Env("ingestion"), StringComparison.Ordinal);
        Assert.Contains("Ingestion__WatchlistParameter = aws_ssm_parameter.watchlist.name", Env("ingestion"), StringComparison.Ordinal);
        Assert.Contains("${value}", Strings(Resource("aws_ssm_parameter", "watchlist")["lifecycle"]![0]!["ignore_changes"]));
        Assert.Contains("${value}", Strings(Resource("aws_ssm_parameter", "holidays")["lifecycle"]![0]!["ignore_changes"]));
        Assert.Equal("HolidayListMissing", Resource("aws_cloudwatch_metric_alarm", "holiday_list_missing")["metric_name"]!.ToString());
        Assert.DoesNotContain("Events__Enabled", Env("token_generator"), StringComparison.Ordinal);
        Assert.Contains("PathBase = \"/prod\"", Env("token_generator"), StringComparison.Ordinal);
        Assert.Equal("prod", Resource("aws_apigatewayv2_stage", "prod")["name"]!.ToString());
        Assert.EndsWith("/callback", Blocks("output")["fyers_redirect_uri"]![0]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("/healthz", Local("common_env"), StringComparison.Ordinal);
        Assert.Equal(26, Blocks("variable")["lwa_layer_version"]![0]!["default"]!.GetValue<int>());
    }

    /// <summary>
    /// An x86 layer on an arm64 function (or the reverse) fails only at the first invocation, with an
    /// exec format error: both functions take the zip's architecture, and the layer follows it.
    /// </summary>
    [Fact]
    public void Functions_RunOnTheZipsArchitecture_WithTheAdapterLayerBuiltForIt()
    {
        foreach (var function in new[] { "token_generator", "ingestion" })
        {
            Assert.Equal(["${var.lambda_architecture}"], Strings(Resource("aws_lambda_function", function)["architectures"]));
            Assert.Equal(["${local.lwa_layer}"], Strings(Resource("aws_lambda_function", function)["layers"]));
        }

        Assert.Matches(@":layer:\$\{local\.lwa_layer_name\[var\.lambda_architecture\]\}:\$\{var\.lwa_layer_version\}$", Local("lwa_layer"));
        var names = Blocks("locals")["lwa_layer_name"]!.AsObject();
        Assert.Equal("LambdaAdapterLayerX86", names["x86_64"]!.ToString());
        Assert.Equal("LambdaAdapterLayerArm64", names["arm64"]!.ToString());
        Assert.Equal(2, names.Count);
        var variable = Blocks("variable")["lambda_architecture"]![0]!;
        Assert.Equal("x86_64", variable["default"]!.ToString());
        Assert.Contains("contains([\"x86_64\", \"arm64\"], var.lambda_architecture)", variable["validation"]![0]!["condition"]!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A typo in an environment variable name would silently leave the default in force.</summary>
    [Fact]
    public void AppSettings_InTheFunctionEnvironment_ExistInTheApp()
    {
        var sections = new Dictionary<string, Type>(StringComparer.Ordinal)
        {
            [TokenStoreOptions.SectionName] = typeof(TokenStoreOptions),
            [LakeOptions.SectionName] = typeof(LakeOptions),
            [IngestionOptions.SectionName] = typeof(IngestionOptions),
            [PriceFeed.Calendar.CalendarOptions.SectionName] = typeof(PriceFeed.Calendar.CalendarOptions),
        };
        var text = Local("common_env") + Resource("aws_lambda_function", "ingestion")["environment"]![0]!["variables"] + Resource("aws_lambda_function", "token_generator")["environment"]![0]!["variables"];
        var settings = EnvKeyPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("Lake__Bucket", settings);
        foreach (var setting in settings.Where(s => s.Contains("__", StringComparison.Ordinal)))
        {
            var (section, property) = (setting[..setting.IndexOf("__", StringComparison.Ordinal)], setting[(setting.IndexOf("__", StringComparison.Ordinal) + 2)..]);
            if (setting is "Events__Enabled" or "Metrics__Detailed" or "Web__PublicOrigin")
            {
                continue; // read directly: PriceFeedApp, AddIngestion and PublicOrigin
            }

            Assert.True(sections.TryGetValue(section, out var type), $"{setting}: no options section {section}");
            Assert.NotNull(type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance));
        }
    }

    [Fact]
    public void Alarms_MailTheTopic_AreQuietWithoutData_AndTheTokenAlarmSaysWhereToLogIn()
    {
        var alarms = Resources("aws_cloudwatch_metric_alarm").ToList();
        Assert.Equal(["api_5xx", "data_lag", "heartbeat", "holiday_list_missing", "ingestion_failed", "scheduler", "stream_failed", "stream_gap", "stream_silent", "throttles", "token_invalid"], alarms.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.All(alarms, a =>
        {
            // Quiet without data; the token alarm keeps its state until a valid token is seen (issue 18).
            Assert.Equal(a.Name == "token_invalid" ? "ignore" : "notBreaching", a.Body["treat_missing_data"]!.ToString());
            Assert.Equal(["${aws_sns_topic.alerts.arn}"], Strings(a.Body["alarm_actions"]));
        });
        Assert.Contains("${local.page_url}", Resource("aws_cloudwatch_metric_alarm", "token_invalid")["alarm_description"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("TokenValid", Resource("aws_cloudwatch_metric_alarm", "token_invalid")["metric_query"]![1]!["metric"]![0]!["metric_name"]!.ToString());
        Assert.Equal(EmfMetrics.Namespace, Resource("aws_cloudwatch_metric_alarm", "data_lag")["namespace"]!.ToString());
        Assert.Equal("email", Resource("aws_sns_topic_subscription", "email")["protocol"]!.ToString());
        var budget = Resource("aws_budgets_budget", "monthly");
        Assert.Contains("ACTUAL", budget.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 22: the live stream on AWS is opt-in (every resource of it counted on live_stream, off by
    /// default), its own function with Lambda's longest timeout under the ingestion role, started in
    /// India time without retries by a job name the app knows, and watched by alarms on the metrics the
    /// shifts write. What the roles may do for it is what the code touches: the staged tick pieces
    /// (deleted by the end-of-day job) and the handover object (read by the page).
    /// </summary>
    [Fact]
    public void LiveStream_IsOptIn_ItsOwnFunction_ScheduledInIndiaTime_AndWatched()
    {
        Assert.Equal("False", Blocks("variable")["live_stream"]![0]!["default"]!.ToString(), ignoreCase: true);
        foreach (var (type, name) in new[] { ("aws_lambda_function", "stream"), ("aws_cloudwatch_log_group", "stream"), ("aws_scheduler_schedule", "stream"), ("aws_lambda_function_event_invoke_config", "stream"), ("aws_cloudwatch_metric_alarm", "stream_silent"), ("aws_cloudwatch_metric_alarm", "stream_gap"), ("aws_cloudwatch_metric_alarm", "stream_failed") })
        {
            Assert.Equal("${var.live_stream ? 1 : 0}", Resource(type, name)["count"]!.ToString());
        }

        var function = Resource("aws_lambda_function", "stream");
        Assert.Equal("900", function["timeout"]!.ToString());
        Assert.Equal("${aws_iam_role.ingestion.arn}", function["role"]!.ToString());
        Assert.Equal("${local.zip_hash}", function["source_code_hash"]!.ToString());
        var environment = function["environment"]![0]!["variables"]!.ToString();
        Assert.Contains("Events__Enabled", environment, StringComparison.Ordinal);
        Assert.Contains("AWS_LWA_ERROR_STATUS_CODES", environment, StringComparison.Ordinal);
        Assert.Contains("Lake__Sink", environment, StringComparison.Ordinal);
        Assert.Equal("${var.live_stream ? var.stream_tmp_mb : 512}", Resource("aws_lambda_function", "ingestion")["ephemeral_storage"]![0]!["size"]!.ToString());
        Assert.Equal("${var.stream_tmp_mb}", function["ephemeral_storage"]![0]!["size"]!.ToString());

        var schedule = Resource("aws_scheduler_schedule", "stream");
        Assert.Equal("Asia/Kolkata", schedule["schedule_expression_timezone"]!.ToString());
        var target = schedule["target"]![0]!;
        Assert.Equal($"${{jsonencode({{ job = \"{PriceFeed.Live.StreamShiftEvent.JobName}\" }})}}", target["input"]!.ToString());
        Assert.Equal("${aws_lambda_function.stream[0].arn}", target["arn"]!.ToString());
        Assert.Equal(0, target["retry_policy"]![0]!["maximum_retry_attempts"]!.GetValue<int>());
        Assert.Equal(0, Resource("aws_lambda_function_event_invoke_config", "stream")["maximum_retry_attempts"]!.GetValue<int>());
        Assert.Equal("cron(4/10 9-15 ? * MON-FRI *)", Blocks("variable")["stream_schedule"]![0]!["default"]!.ToString());
        Assert.Contains("aws_lambda_function.stream[*].arn", Statements(PolicyDocument("scheduler")).Single()["resources"]!.ToString(), StringComparison.Ordinal);

        var silent = Resource("aws_cloudwatch_metric_alarm", "stream_silent");
        Assert.Equal(("TicksPerMinute", "stream", "notBreaching"), (silent["metric_name"]!.ToString(), silent["dimensions"]!["Job"]!.ToString(), silent["treat_missing_data"]!.ToString()));
        Assert.Contains("TicksPerMinute", EmfMetrics.StreamCore);
        var gap = Resource("aws_cloudwatch_metric_alarm", "stream_gap");
        Assert.Equal(("HandoverGapSeconds", "stream-shift"), (gap["metric_name"]!.ToString(), gap["dimensions"]!["Job"]!.ToString()));

        var staged = Statements(PolicyDocument("ingestion")).Single(st => st["sid"]!.ToString() == "StagedTicksDelete");
        Assert.Equal(["s3:DeleteObject"], Strings(staged["actions"]));
        Assert.Equal(["${aws_s3_bucket.lake.arn}/${local.lake_prefix}" + PriceFeed.Live.StreamShift.StagingRoot + "*"], Strings(staged["resources"]));
        var status = Statements(PolicyDocument("token_generator")).Single(st => st["sid"]!.ToString() == "StreamStatusRead");
        Assert.Equal(["${aws_s3_bucket.lake.arn}/${local.lake_prefix}" + PriceFeed.Live.ShiftBaton.Key], Strings(status["resources"]));
    }

    /// <summary>Issue 11: a flood of anonymous requests must not starve the login routes; the page's origin is fixed.</summary>
    [Fact]
    public void LoginRoutes_HaveTheirOwnThrottles_AndThePageKnowsItsPublicOrigin()
    {
        var routes = Regex.Matches(Local("login_routes"), "\"([A-Z]+ /[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["GET /callback", "POST /api/login", "PUT /api/credentials", "POST /api/tokens"], routes);
        Assert.Equal("${toset(local.login_routes)}", Resource("aws_apigatewayv2_route", "login")["for_each"]!.ToString());
        var stage = Resource("aws_apigatewayv2_stage", "prod").ToJsonString();
        Assert.Contains("route_settings", stage, StringComparison.Ordinal);
        var environment = Resource("aws_lambda_function", "token_generator")["environment"]![0]!["variables"]!.ToString();
        Assert.Contains("Web__PublicOrigin", environment, StringComparison.Ordinal);
        Assert.Contains("aws_apigatewayv2_api.token_generator.api_endpoint", environment, StringComparison.Ordinal);
        Assert.Contains("Tokens__OwnerFyId", environment, StringComparison.Ordinal);
    }

    /// <summary>Issue 12: failures that leave no metric are alarmed, every alarm mails its recovery, the budget mails its forecast, teardown works.</summary>
    [Fact]
    public void Alarms_CannotBeSilent_AndTeardownWorksWithoutTheZipOrWithData()
    {
        var alarms = Blocks("resource")["aws_cloudwatch_metric_alarm"]!.AsObject();
        Assert.All(alarms, a => Assert.Contains("${aws_sns_topic.alerts.arn}", Strings(a.Value!.AsArray()[0]!["ok_actions"])));
        var scheduler = alarms["scheduler"]!.AsArray()[0]!;
        Assert.Equal("${each.key}", scheduler["metric_name"]!.ToString());
        Assert.Contains("TargetErrorCount", scheduler["for_each"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("InvocationDroppedCount", scheduler["for_each"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Throttles", alarms["throttles"]!.AsArray()[0]!["metric_name"]!.ToString());
        Assert.Contains("FORECASTED", Resource("aws_budgets_budget", "monthly").ToJsonString(), StringComparison.Ordinal);

        Assert.Contains("try(filebase64sha256(var.lambda_zip), null)", Local("zip_hash"), StringComparison.Ordinal);
        Assert.All(new[] { "ingestion", "token_generator" }, f => Assert.Equal("${local.zip_hash}", Resource("aws_lambda_function", f)["source_code_hash"]!.ToString()));
        Assert.Equal("${var.destroy_lake_data}", Resource("aws_s3_bucket", "lake")["force_destroy"]!.ToString());
        Assert.Equal("False", Blocks("variable")["destroy_lake_data"]![0]!["default"]!.ToString(), ignoreCase: true);
        Assert.Contains("version = \">= 6.27.0, < 7.0.0\"", File.ReadAllText(RepoPaths.Of("infra", "versions.tf")), StringComparison.Ordinal);
        Assert.NotNull(Blocks("variable")["log_retention_days"]![0]!["validation"]);

        // Athena: a first query runs without setup, its results beside the lake and short-lived.
        var workgroup = Resource("aws_athena_workgroup", "lake").ToJsonString();
        Assert.Contains("athena-results/", workgroup, StringComparison.Ordinal);
        Assert.Contains("athena-results/", Resource("aws_s3_bucket_lifecycle_configuration", "lake").ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 12: a run that never happens must still mail, but only while NSE is open. The window in
    /// the expression is the session in UTC, and "no data" is made a zero, never left missing.
    /// </summary>
    [Fact]
    public void Heartbeat_CountsMissingRunsAsFailures_OnlyInSessionHours()
    {
        var heartbeat = Resource("aws_cloudwatch_metric_alarm", "heartbeat");
        var queries = heartbeat["metric_query"]!.AsArray().Select(q => q!.AsObject()).ToDictionary(q => q["id"]!.ToString());
        var silent = queries["silent"]["expression"]!.ToString();
        Assert.True(bool.Parse(queries["silent"]["return_data"]!.ToString()));

        // Session 09:15-15:30 IST as minutes of the UTC day, and weekdays only (DAY: 1 = Monday).
        var open = (int)(new TimeSpan(9, 15, 0) - MarketTime.IstOffset).TotalMinutes;
        var close = (int)(new TimeSpan(15, 30, 0) - MarketTime.IstOffset).TotalMinutes;
        Assert.Contains($"HOUR(ok) * 60 + MINUTE(ok) >= {open}", silent, StringComparison.Ordinal);
        Assert.Contains($"HOUR(ok) * 60 + MINUTE(ok) < {close}", silent, StringComparison.Ordinal);
        Assert.Contains("DAY(ok) <= 5", silent, StringComparison.Ordinal);
        Assert.Contains("ok == 0, 1, 0)", silent, StringComparison.Ordinal);

        // The share of runs that succeeded, zero when nothing arrived at all: one metric read.
        Assert.Equal("MAX([TIME_SERIES(0), FILL(1 - failed, 0)])", queries["ok"]["expression"]!.ToString());
        Assert.Equal(["failed", "ok", "silent"], queries.Keys.Order(StringComparer.Ordinal));
        var metric = queries["failed"]["metric"]![0]!;
        Assert.Equal("RunFailed", metric["metric_name"]!.ToString());
        Assert.Contains("RunFailed", EmfMetrics.Core);
        Assert.Equal("intraday", metric["dimensions"]!["Job"]!.ToString());
        Assert.Equal("Average", metric["stat"]!.ToString());
        Assert.Equal("300", metric["period"]!.ToString());

        // Thirty minutes: six 5-minute periods in a row.
        Assert.Equal("6", heartbeat["evaluation_periods"]!.ToString());
        Assert.Equal("6", heartbeat["datapoints_to_alarm"]!.ToString());
        Assert.Contains("${local.page_url}", heartbeat["alarm_description"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Variables_HaveTheDocumentedDefaults()
    {
        var variables = Blocks("variable");
        Assert.Null(variables["notification_email"]![0]!["default"]);
        Assert.Equal("stock-pipeline", variables["project_name"]![0]!["default"]!.ToString());
        Assert.Equal("ap-south-1", variables["aws_region"]![0]!["default"]!.ToString());
        foreach (var name in new[] { "watchlist", "intraday_schedule", "eod_schedule", "token_check_schedule", "kms_key_arn", "monthly_budget_usd" })
        {
            Assert.True(variables.ContainsKey(name), name);
        }
    }

    /// <summary>Blocks of one kind from every file; resources keep type → name → [body].</summary>
    private static JsonObject Merge(string kind) => Aws.InfraModel.Merge(Parsed.Value, kind);

    private static JsonObject Parse() => Aws.InfraModel.ParseHcl(RepoPaths.Of("infra"));

    [GeneratedRegex(@"^([a-z0-9_]+)\.([a-z0-9_]+)(?:\[""([a-z-]+)""\])?$")]
    private static partial Regex AddressPattern();

    [GeneratedRegex(@"\$\{local\.([a-z_]+)\}")]
    private static partial Regex LocalRefPattern();

    [GeneratedRegex(@"^\$\{aws_cloudwatch_log_group\.([a-z_]+)(?:\[0\])?\.name\}$")]
    private static partial Regex LogGroupRefPattern();

    [GeneratedRegex("\"([a-z_]+)\"")]
    private static partial Regex QuotedPattern();

    [GeneratedRegex(@"(?<![\w.])([a-z][a-z-]*)\s*=\s*var\.")]
    private static partial Regex ScheduleKeyPattern();

    [GeneratedRegex(@"(?m)(?:^|\{)\s*([A-Za-z_]+)\s*=")]
    private static partial Regex EnvKeyPattern();
}
