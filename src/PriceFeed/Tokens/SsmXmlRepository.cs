using System.Xml.Linq;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace PriceFeed.Tokens;

/// <summary>
/// Data Protection's key ring in SSM Parameter Store (one SecureString per key under
/// /{project}/app/data-protection/), for the AWS home: a Lambda instance's /tmp dies with it, and the
/// login-state and antiforgery cookies one instance issues must open on the instance that serves the
/// FYERS callback. ASP.NET ships file, registry, Redis and EF Core repositories but none for SSM,
/// and the interface is two methods, so this one is written here.
/// </summary>
/// <remarks>
/// Data Protection calls these synchronously and rarely (the ring is cached and refreshed about
/// daily), so blocking on the SDK here is deliberate. Keys are never overwritten: a second instance
/// that races to create the first key stores its own under its own name, and both stay valid.
/// </remarks>
internal sealed class SsmXmlRepository(IAmazonSimpleSystemsManagement ssm, string project, string? kmsKeyId) : IXmlRepository
{
    public string Path => $"/{project}/app/data-protection";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>();
        string? next = null;
        do
        {
            var page = ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = Path, Recursive = false, WithDecryption = true, MaxResults = 10, NextToken = next })
                .GetAwaiter().GetResult();
            foreach (var parameter in page.Parameters ?? [])
            {
                elements.Add(XElement.Parse(parameter.Value));
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = $"{Path}/{Sanitize(friendlyName)}";
        ssm.PutParameterAsync(new PutParameterRequest
        {
            Name = name,
            Value = element.ToString(SaveOptions.DisableFormatting),
            Type = ParameterType.SecureString,
            KeyId = kmsKeyId,
            Overwrite = false,
            Description = "ASP.NET Data Protection key for the PriceFeed token generator (login-state and antiforgery cookies).",
        }).GetAwaiter().GetResult();
    }

    /// <summary>SSM names allow a-zA-Z0-9_.-/; Data Protection's friendly names are "key-{guid}".</summary>
    private static string Sanitize(string friendlyName)
    {
        var chars = friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-').ToArray();
        return chars.Length == 0 ? $"key-{Guid.NewGuid():N}" : new string(chars);
    }
}
