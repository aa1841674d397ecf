using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PriceFeed.App.Tests.Support;
using PriceFeed.Testing;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>One statement of an IAM policy as AWS would see it, its references resolved.</summary>
internal sealed record IamStatement(string Sid, string Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<IamCondition> Conditions);

internal sealed record IamCondition(string Test, string Variable, IReadOnlyList<string> Values);

/// <summary>
/// infra/*.tf (parsed by npm @cdktf/hcl2json, tests/infra/parse.mjs) with its variables, locals and
/// the attributes of the resources the policies and alarms refer to resolved to a test's names:
/// what `terraform plan` would render, for the subset of resources the checks need.
/// </summary>
internal sealed partial class InfraModel
{
    public const string Account = "123456789012"; // moto's default account
    private readonly JsonObject parsed;
    private readonly Dictionary<string, object?> variables;

    private InfraModel(JsonObject parsed, Dictionary<string, object?> variables)
    {
        this.parsed = parsed;
        this.variables = variables;
    }

    public static InfraModel Load(string? directory = null, Dictionary<string, object?>? variables = null) =>
        new(ParseHcl(directory ?? RepoPaths.Of("infra")), variables ?? []);

    public string Region => (string)Var("aws_region")!;

    public object? Local(string name) => Value(Blocks("locals")[name] ?? throw new InvalidOperationException($"local.{name} is not in infra/"));

    /// <summary>The first block of a resource or data source, e.g. ("resource", "aws_s3_bucket", "lake").</summary>
    public JsonObject Block(string kind, string type, string name) =>
        Blocks(kind)[type]?[name]?.AsArray()[0]?.AsObject() ?? throw new InvalidOperationException($"{kind} {type}.{name} is not in infra/");

    public IEnumerable<(string Name, JsonObject Body)> All(string kind, string type) =>
        Blocks(kind)[type] is JsonObject named ? named.Select(n => (n.Key, n.Value!.AsArray()[0]!.AsObject())) : [];

    /// <summary>Evaluates a value from the parsed HCL: a template string, a list or a map.</summary>
    public object? Value(JsonNode? node, Func<string[], object?>? extra = null) => node switch
    {
        null => null,
        JsonArray array => array.Select(n => Value(n, extra)).ToList(),
        JsonObject map => map.ToDictionary(p => p.Key, p => Value(p.Value, extra)),
        JsonValue v when v.TryGetValue<string>(out var s) => HclExpression.EvaluateTemplate(s, path => extra?.Invoke(path) ?? Resolve(path)),
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new InvalidOperationException($"unexpected value {node}"),
    };

    public string String(JsonNode? node, Func<string[], object?>? extra = null) => HclExpression.Format(Value(node, extra));

    /// <summary>The policy each role has inline: role resource name → policy document name.</summary>
    public IReadOnlyDictionary<string, string> RolePolicies() =>
        All("resource", "aws_iam_role_policy").ToDictionary(
            p => RefPattern().Match(p.Body["role"]!.ToString()) is { Success: true } m ? m.Groups[2].Value : throw new InvalidOperationException($"role of {p.Name}"),
            p => RefPattern().Match(p.Body["policy"]!.ToString()) is { Success: true } m ? m.Groups[2].Value : throw new InvalidOperationException($"policy of {p.Name}"));

    /// <summary>A policy document's statements, the dynamic ones expanded as Terraform would.</summary>
    public IReadOnlyList<IamStatement> Policy(string document)
    {
        var body = Block("data", "aws_iam_policy_document", document);
        var statements = new List<IamStatement>();
        foreach (var s in body["statement"]?.AsArray() ?? [])
        {
            statements.Add(Statement(s!.AsObject(), null));
        }

        foreach (var d in body["dynamic"]?["statement"]?.AsArray() ?? [])
        {
            var items = Value(d!["for_each"]) as IReadOnlyList<object?> ?? throw new InvalidOperationException($"{document}: dynamic for_each is not a list");
            foreach (var item in items)
            {
                statements.Add(Statement(d["content"]![0]!.AsObject(), path => path is ["statement", "value"] ? item : null));
            }
        }

        return statements;
    }

    private IamStatement Statement(JsonObject s, Func<string[], object?>? extra)
    {
        IReadOnlyList<string> Strings(JsonNode? node) => Value(node, extra) switch
        {
            null => [],
            string one => [one],
            IReadOnlyList<object?> many => [.. many.Select(HclExpression.Format)],
            var other => throw new InvalidOperationException($"not a list of strings: {other}"),
        };

        var conditions = (s["condition"]?.AsArray() ?? []).Select(c => new IamCondition(String(c!["test"], extra), String(c["variable"], extra), Strings(c["values"]))).ToList();
        return new IamStatement(s["sid"]?.ToString() ?? "(no sid)", s["effect"]?.ToString() ?? "Allow", Strings(s["actions"]), Strings(s["resources"]), conditions);
    }

    private object? Var(string name) =>
        variables.TryGetValue(name, out var v) ? v : Value(Blocks("variable")[name]?[0]?["default"]);

    private object? Resolve(string[] path)
    {
        switch (path)
        {
            case ["var", var name]:
                return Blocks("variable")[name] is null ? throw new InvalidOperationException($"var.{name} is not declared") : Var(name);
            case ["local", var name]:
                return Local(name);
            case ["data", "aws_caller_identity", _, "account_id"]:
                return Account;
            case ["data", "aws_partition", _, "partition"]:
                return "aws";
            case ["data", "aws_region", _, "name" or "region"]:
                return Region;
            case [var type, var name, var attribute] when type.StartsWith("aws_", StringComparison.Ordinal):
                return Attribute(type, name, attribute);
            default:
                throw new InvalidOperationException($"{string.Join('.', path)} is not known to the test's model of infra/");
        }
    }

    /// <summary>The attributes of created resources, as the AWS provider documents them.</summary>
    public string Attribute(string type, string name, string attribute)
    {
        var body = Block("resource", type, name);
        string Arg(string argument) => String(body[argument] ?? throw new InvalidOperationException($"{type}.{name} has no {argument}"));
        return (type, attribute) switch
        {
            ("aws_s3_bucket", "id" or "bucket") => Arg("bucket"),
            ("aws_s3_bucket", "arn") => $"arn:aws:s3:::{Arg("bucket")}",
            ("aws_cloudwatch_log_group", "name" or "id") => Arg("name"),
            ("aws_cloudwatch_log_group", "arn") => $"arn:aws:logs:{Region}:{Account}:log-group:{Arg("name")}",
            ("aws_lambda_function", "function_name" or "id") => Arg("function_name"),
            ("aws_lambda_function", "arn") => $"arn:aws:lambda:{Region}:{Account}:function:{Arg("function_name")}",
            ("aws_ssm_parameter", "name" or "id") => Arg("name"),
            ("aws_ssm_parameter", "arn") => $"arn:aws:ssm:{Region}:{Account}:parameter{Arg("name")}",
            ("aws_sns_topic", "arn" or "id") => $"arn:aws:sns:{Region}:{Account}:{Arg("name")}",
            ("aws_sns_topic", "name") => Arg("name"),
            ("aws_scheduler_schedule_group", "name" or "id") => Arg("name"),
            ("aws_iam_role", "name" or "id") => Arg("name"),
            ("aws_apigatewayv2_api", "id") => "api0test0", // assigned by AWS at creation
            ("aws_apigatewayv2_stage", "name" or "id") => Arg("name"),
            _ => throw new InvalidOperationException($"{type}.{name}.{attribute} is not known to the test's model of infra/"),
        };
    }

    private readonly Dictionary<string, JsonObject> blocks = [];

    private JsonObject Blocks(string kind)
    {
        if (blocks.TryGetValue(kind, out var cached))
        {
            return cached;
        }

        return blocks[kind] = Merge(parsed, kind);
    }

    /// <summary>The blocks of one kind from every file, merged: resources keep type → name → [body].</summary>
    public static JsonObject Merge(JsonObject parsed, string kind)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var merged = new JsonObject();
        foreach (var (_, file) in parsed)
        {
            foreach (var block in file![kind] is JsonArray list ? list.Select(b => b!.AsObject()) : file[kind] is JsonObject one ? [one] : [])
            {
                foreach (var (key, value) in block)
                {
                    if (merged[key] is JsonObject existing && value is JsonObject more)
                    {
                        foreach (var (k, v) in more)
                        {
                            existing[k] = v?.DeepClone();
                        }
                    }
                    else
                    {
                        merged[key] = value?.DeepClone();
                    }
                }
            }
        }

        return merged;
    }

    /// <summary>Every .tf file of <paramref name="directory"/> as hcl2json gives it: {"file.tf": {...}}.</summary>
    public static JsonObject ParseHcl(string directory)
    {
        var script = RepoPaths.Of("tests", "infra", "parse.mjs");
        if (!Directory.Exists(RepoPaths.Of("tests", "infra", "node_modules", "@cdktf", "hcl2json")))
        {
            throw new InvalidOperationException("npm @cdktf/hcl2json is not installed: run 'npm ci' in tests/infra (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? JsonNode.Parse(stdout.Result)!.AsObject()
            : throw new InvalidOperationException($"parsing {directory}/*.tf failed: {stderr}");
    }

    [GeneratedRegex(@"^\$\{(?:data\.)?([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z_]+\}$")]
    private static partial Regex RefPattern();
}
