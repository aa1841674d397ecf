using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using System.Xml.Linq;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// One IAM authorization an AWS request needs: who signed it, the action, one resource ARN and the
/// condition keys the policies use. A request can need several (GetParameters names up to ten
/// parameters, a copy reads one object and writes another).
/// </summary>
internal sealed partial record AwsCall(string Identity, string Action, string Resource, IReadOnlyDictionary<string, string> Context)
{
    public override string ToString() =>
        $"{Identity}: {Action} on {Resource}{(Context.Count == 0 ? string.Empty : " with " + string.Join(", ", Context.Select(c => $"{c.Key}={c.Value}")))}";

    /// <summary>
    /// The authorizations a recorded request needs, following the Service Authorization Reference
    /// for S3 (object actions on bucket/key, ListBucket on the bucket with s3:prefix) and SSM (each
    /// named parameter's ARN; GetParametersByPath on the path).
    /// </summary>
    public static IEnumerable<AwsCall> From(RecordedRequest request, IReadOnlyDictionary<string, string> identityByKey, string region, string account)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.TryGetValue("Authorization", out var a) ? a : string.Empty;
        var credential = CredentialPattern().Match(authorization);
        if (!credential.Success)
        {
            throw new InvalidOperationException($"An unsigned request reached AWS: {request.Method} {request.Url}");
        }

        var identity = identityByKey.TryGetValue(credential.Groups["key"].Value, out var name) ? name : $"unknown key {credential.Groups["key"].Value}";
        var service = credential.Groups["service"].Value;
        return service switch
        {
            "ssm" => Ssm(request, identity, region, account),
            "s3" => S3(request, identity),
            _ => [new AwsCall(identity, $"{service}:(unmapped)", request.Url.AbsoluteUri, new Dictionary<string, string>())],
        };
    }

    private static IEnumerable<AwsCall> Ssm(RecordedRequest request, string identity, string region, string account)
    {
        var action = "ssm:" + request.Headers["X-Amz-Target"].Replace("AmazonSSM.", string.Empty, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        var names = new List<string>();
        if (body.RootElement.TryGetProperty("Name", out var one))
        {
            names.Add(one.GetString()!);
        }

        if (body.RootElement.TryGetProperty("Names", out var many))
        {
            names.AddRange(many.EnumerateArray().Select(n => n.GetString()!));
        }

        if (body.RootElement.TryGetProperty("Path", out var path))
        {
            names.Add(path.GetString()!.TrimEnd('/'));
        }

        return names.Select(n => new AwsCall(identity, action, $"arn:aws:ssm:{region}:{account}:parameter{(n.StartsWith('/') ? n : "/" + n)}", new Dictionary<string, string>()));
    }

    private static IEnumerable<AwsCall> S3(RecordedRequest request, string identity)
    {
        var segments = request.Url.AbsolutePath.TrimStart('/').Split('/', 2);
        var bucket = segments[0];
        var key = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : string.Empty;
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        var none = new Dictionary<string, string>();
        if (key.Length > 0)
        {
            var objectArn = $"arn:aws:s3:::{bucket}/{key}";
            switch (request.Method)
            {
                case "GET" or "HEAD":
                    return [new AwsCall(identity, "s3:GetObject", objectArn, none)];
                case "PUT" when request.Headers.TryGetValue("x-amz-copy-source", out var source):
                    return [new AwsCall(identity, "s3:GetObject", $"arn:aws:s3:::{Uri.UnescapeDataString(source).TrimStart('/')}", none), new AwsCall(identity, "s3:PutObject", objectArn, none)];
                case "PUT":
                    return [new AwsCall(identity, "s3:PutObject", objectArn, none)];
                case "DELETE":
                    return [new AwsCall(identity, "s3:DeleteObject", objectArn, none)];
            }
        }
        else
        {
            var bucketArn = $"arn:aws:s3:::{bucket}";
            if (request.Method == "POST" && query.AllKeys.Contains("delete"))
            {
                var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(request.Body));
                return xml.Descendants().Where(e => e.Name.LocalName == "Key").Select(k => new AwsCall(identity, "s3:DeleteObject", $"{bucketArn}/{k.Value}", none));
            }

            if (request.Method is "GET" or "HEAD" && query.Count == 0 || query["list-type"] is not null || query["prefix"] is not null)
            {
                var context = query["prefix"] is { } prefix ? new Dictionary<string, string> { ["s3:prefix"] = prefix } : none;
                return [new AwsCall(identity, "s3:ListBucket", bucketArn, context)];
            }
        }

        return [new AwsCall(identity, "s3:(unmapped)", $"{request.Method} {request.Url.PathAndQuery}", none)];
    }

    [GeneratedRegex(@"Credential=(?<key>[^/]+)/\d{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request")]
    private static partial Regex CredentialPattern();
}
