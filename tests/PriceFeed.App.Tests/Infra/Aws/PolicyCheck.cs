using System.Text.RegularExpressions;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// IAM's identity-policy evaluation for the calls a test recorded: an explicit Deny wins, otherwise
/// some Allow statement must match the action (wildcards), the resource ARN (wildcards, case
/// sensitive) and every condition (StringEquals, StringLike; a missing key fails the condition).
/// moto checks S3 actions and resources but neither SSM resources nor StringLike conditions, so this
/// is the check that holds the ARNs in infra/iam.tf to what the code touches.
/// </summary>
internal static class PolicyCheck
{
    public static bool Allows(IReadOnlyList<IamStatement> policy, AwsCall call) =>
        !policy.Any(s => s.Effect == "Deny" && Matches(s, call)) && policy.Any(s => s.Effect == "Allow" && Matches(s, call));

    public static bool Matches(IamStatement statement, AwsCall call)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(call);
        return statement.Actions.Any(a => Glob(a, call.Action, ignoreCase: true))
            && statement.Resources.Any(r => Glob(r, call.Resource, ignoreCase: false))
            && statement.Conditions.All(c => Holds(c, call));
    }

    /// <summary>What to add so the call is allowed, in the policy document's own words.</summary>
    public static string Suggestion(string document, AwsCall call) =>
        $"data.aws_iam_policy_document.{document} allows no '{call.Action}' on '{call.Resource}'" +
        $"{(call.Context.Count == 0 ? string.Empty : " (" + string.Join(", ", call.Context.Select(c => $"{c.Key}={c.Value}")) + ")")}: " +
        $"add statement {{ actions = [\"{call.Action}\"] resources = [\"{call.Resource}\"] }} (or widen the statement for {call.Action.Split(':')[0]})";

    private static bool Holds(IamCondition condition, AwsCall call)
    {
        if (!call.Context.TryGetValue(condition.Variable, out var value))
        {
            return false;
        }

        return condition.Test switch
        {
            "StringEquals" => condition.Values.Contains(value, StringComparer.Ordinal),
            "StringLike" => condition.Values.Any(v => Glob(v, value, ignoreCase: false)),
            _ => throw new InvalidOperationException($"condition operator {condition.Test} is not known to the test's evaluator"),
        };
    }

    private static bool Glob(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
}
