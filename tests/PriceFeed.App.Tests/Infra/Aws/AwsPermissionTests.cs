using System.Net;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// Issue 18: every AWS call the code makes is allowed by the role that makes it, proven offline twice
/// over: moto refuses what the rendered policies do not allow (S3 actions and resources, SSM
/// actions), and every recorded call is evaluated against the statements of infra/iam.tf with their
/// ARNs and conditions (PolicyCheck), which moto does not do.
/// </summary>
[Trait("Category", "Emulator")]
public sealed class AwsPermissionTests(AwsStackRun run) : IClassFixture<AwsStackRun>
{
    /// <summary>
    /// Statements no recorded call needs, each with the reason it stays. Any other unused statement
    /// fails <see cref="EveryStatement_IsUsedByARecordedCall_OrListedWithItsReason"/>: least privilege.
    /// </summary>
    private static readonly Dictionary<(string Document, string Sid), string> UnusedOnPurpose = new()
    {
        [("token_generator", "OwnLogs")] = "Lambda's runtime writes the logs, not the app",
        [("ingestion", "OwnLogs")] = "Lambda's runtime writes the logs, not the app",
        [("token_generator", "LakeCandlesList")] = ListReason,
        [("ingestion", "LakeList")] = ListReason,
        [("lake_maintenance", "FyersParametersRead")] = RefetchReason,
        [("lake_maintenance", "WatchlistRead")] = RefetchReason,
        [("lake_maintenance", "RunsWrite")] = RefetchReason,
    };

    private const string ListReason =
        "S3 answers a missing key with 404 only to a caller that may list the bucket (403 otherwise), and the code reads a 404 " +
        "as 'not there yet' (a first cursor, ledger or day file); moto answers 404 either way, so no recorded call shows it";

    private const string RefetchReason =
        "verify --repair reads the token, the watchlist and records a backfill run only when it finds days to fetch; the damaged " +
        "file of this run leaves none, since verify does not yet judge days the lake lacks entirely (issue 19)";

    [Fact]
    public void EveryStep_Succeeded_WithNothingRefusedByMoto()
    {
        Assert.All(run.Answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Found or HttpStatusCode.Redirect, $"{a.Step}: {(int)a.Status} {a.Body}\n{run.Log}"));
        Assert.All(run.Answers.Where(a => a.Step.StartsWith("ingestion:", StringComparison.Ordinal)), a => Assert.DoesNotContain("\"status\":\"failed\"", a.Body, StringComparison.Ordinal));
        Assert.True(run.Verify.ExitCode == 0, run.Log);
        Assert.Contains("after repair", run.Verify.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccessDenied", run.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRecordedCall_IsAllowedByItsRolesStatementsInIamTf()
    {
        var refused = new List<string>();
        foreach (var (identity, document) in AwsStackRun.Documents)
        {
            var policy = run.Model.Policy(document);
            refused.AddRange(run.Calls(identity).DistinctBy(c => c.ToString()).Where(c => !PolicyCheck.Allows(policy, c)).Select(c => $"{c}\n    {PolicyCheck.Suggestion(document, c)}"));
        }

        Assert.True(refused.Count == 0, "Calls that infra/iam.tf does not allow:\n" + string.Join('\n', refused));
        Assert.DoesNotContain(run.Calls(), c => c.Action.EndsWith("(unmapped)", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRun_ExercisedWhatEachRoleIsFor()
    {
        // A check over too few calls proves little: the flows must reach the lake, the lock and the token.
        var ingestion = run.Calls("ingestion");
        Assert.Contains(ingestion, c => c.Action == "s3:DeleteObject" && c.Resource.EndsWith("_state/writer.lock", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "s3:PutObject" && c.Resource.Contains("/candles/", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "ssm:GetParameters" && c.Resource.EndsWith("/fyers/access_token", StringComparison.Ordinal));
        Assert.Contains(run.Calls("token-generator"), c => c.Action == "ssm:PutParameter" && c.Resource.EndsWith("/fyers/access_token", StringComparison.Ordinal));
        Assert.Contains(run.Calls("token-generator"), c => c.Action == "s3:GetObject" && c.Resource.Contains("/candles/", StringComparison.Ordinal));
        Assert.Contains(run.Calls("lake-maintenance"), c => c.Action == "s3:DeleteObject" && c.Resource.Contains("/candles/", StringComparison.Ordinal));

        // The stream shift (issue 22): ticks staged, the handover object claimed and rewritten, its
        // record stored; the end-of-day job compacts the staged ticks and deletes them; the page reads
        // the handover object for its stream line.
        Assert.Contains(ingestion, c => c.Action == "s3:PutObject" && c.Resource.Contains("/staging/ticks/date=2026-11-27/", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "s3:PutObject" && c.Resource.EndsWith("/_state/stream/shift.json", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "s3:PutObject" && c.Resource.Contains("/_state/stream/shifts/date=2026-11-27/", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "s3:DeleteObject" && c.Resource.Contains("/staging/ticks/date=2026-11-27/", StringComparison.Ordinal));
        Assert.Contains(ingestion, c => c.Action == "s3:PutObject" && c.Resource.Contains("/ticks/date=2026-11-27/part-000.parquet", StringComparison.Ordinal));
        Assert.Contains(run.Calls("token-generator"), c => c.Action == "s3:GetObject" && c.Resource.EndsWith("/_state/stream/shift.json", StringComparison.Ordinal));
        Assert.Contains("\"outcome\":\"ended\"", run.Answers.Single(a => a.Step == "stream: stream-shift").Body, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryStatement_IsUsedByARecordedCall_OrListedWithItsReason()
    {
        var unused = new List<string>();
        foreach (var (identity, document) in AwsStackRun.Documents)
        {
            var calls = run.Calls(identity);
            foreach (var statement in run.Model.Policy(document).Where(s => s.Effect == "Allow"))
            {
                // Each action of a statement must be needed by some call it matches.
                foreach (var action in statement.Actions)
                {
                    var narrowed = statement with { Actions = [action] };
                    if (!calls.Any(c => PolicyCheck.Matches(narrowed, c)) && !UnusedOnPurpose.ContainsKey((document, statement.Sid)))
                    {
                        unused.Add($"{document}.{statement.Sid}: no recorded call needs {action} on {string.Join(", ", statement.Resources)}");
                    }
                }
            }
        }

        Assert.True(unused.Count == 0, "Statements (or actions) no call uses; remove them or say why in UnusedOnPurpose:\n" + string.Join('\n', unused));
    }

    /// <summary>
    /// The check reads infra/iam.tf itself: a copy without one needed action fails it, naming the call.
    /// Here the lake lock's s3:DeleteObject (the gap that would have failed every run on AWS).
    /// </summary>
    [Fact]
    public void ACopyOfIamTf_WithoutOneNeededAction_FailsTheCheck()
    {
        var copy = Directory.CreateTempSubdirectory("infra-copy-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.Of("infra"), "*.tf"))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var iam = Path.Combine(copy, "iam.tf");
            var text = File.ReadAllText(iam);
            var release = text.IndexOf("sid       = \"LakeLockRelease\"", StringComparison.Ordinal);
            Assert.True(release > 0, "iam.tf has no LakeLockRelease statement");
            var actions = text.IndexOf("actions   = [\"s3:DeleteObject\"]", release, StringComparison.Ordinal);
            File.WriteAllText(iam, text[..actions] + "actions   = [\"s3:GetObject\"]" + text[(actions + "actions   = [\"s3:DeleteObject\"]".Length)..]);

            var mutated = InfraModel.Load(copy).Policy("ingestion");
            var refused = run.Calls("ingestion").Where(c => !PolicyCheck.Allows(mutated, c)).ToList();

            var call = Assert.Single(refused.DistinctBy(c => c.ToString()));
            Assert.Equal("s3:DeleteObject", call.Action);
            Assert.Contains("s3:DeleteObject", PolicyCheck.Suggestion("ingestion", call), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>The same for every action every role uses: take any one away and some recorded call is refused.</summary>
    [Fact]
    public void EveryUsedAction_IsNeeded_RemovingAnyOneRefusesACall()
    {
        var unneeded = new List<string>();
        foreach (var (identity, document) in AwsStackRun.Documents)
        {
            var policy = run.Model.Policy(document);
            var calls = run.Calls(identity).DistinctBy(c => c.ToString()).ToList();
            for (var i = 0; i < policy.Count; i++)
            {
                foreach (var action in policy[i].Actions.Where(a => calls.Any(c => PolicyCheck.Matches(policy[i] with { Actions = [a] }, c))))
                {
                    var without = policy.Select((s, j) => j == i ? s with { Actions = [.. s.Actions.Where(x => x != action)] } : s).ToList();
                    if (calls.All(c => PolicyCheck.Allows(without, c)))
                    {
                        unneeded.Add($"{document}.{policy[i].Sid}: {action} is also allowed elsewhere (overlap)");
                    }
                }
            }
        }

        Assert.True(unneeded.Count == 0, string.Join('\n', unneeded));
    }

    /// <summary>
    /// docs/deploy-aws.md's cost table counts S3 requests per run from these recorded calls: an
    /// intraday tick that stores bars, one with nothing new, the pre-open check and the end-of-day run.
    /// </summary>
    [Fact]
    public void S3RequestsPerRun_StayWithinWhatTheCostTableCounts()
    {
        static (int Puts, int Reads) Count(IReadOnlyList<RecordedRequest> requests)
        {
            var s3 = requests.Where(r => r.Headers.TryGetValue("Authorization", out var a) && a.Contains("/s3/aws4_request", StringComparison.Ordinal)).ToList();
            return (s3.Count(r => r.Method is "PUT" or "POST" or "DELETE"), s3.Count(r => r.Method is "GET" or "HEAD"));
        }

        var counts = run.ByStep.Where(s => s.Key.StartsWith("ingestion:", StringComparison.Ordinal) || s.Key.StartsWith("stream:", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => Count(s.Value));
        var report = string.Join("; ", counts.Select(c => $"{c.Key}: {c.Value.Puts} writes, {c.Value.Reads} reads"));

        // The table: a tick writes 5 (lease, hash record, day file, cursors; the release) and reads 6; eod 7 and 8.
        Assert.True(counts["ingestion: intraday"].Puts <= 6 && counts["ingestion: intraday"].Reads <= 12, report);
        Assert.True(counts["ingestion: intraday (again)"].Puts <= 6, report);
        // With a streamed day: the staged pieces' compaction adds the lease, the ticks file and its hash record, and a delete per piece.
        var pieces = run.ByStep["stream: stream-shift"].Count(r => r.Method == "PUT" && r.Url.AbsolutePath.Contains("/staging/ticks/", StringComparison.Ordinal));
        Assert.True(counts["ingestion: eod"].Puts <= 7 + 4 + pieces, report);
        Assert.True(counts["ingestion: token-check"].Puts <= 2, report);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "pricefeed-s3-counts.txt"), report);
    }
}
