namespace PriceFeed.App.Tests.Support;

/// <summary>The <c>pricefeed query</c> examples of docs/data-lake.md, by the comment above each, as written there.</summary>
internal static class DocsExamples
{
    public static async Task<string> QueryAsync(string comment)
    {
        var docs = await File.ReadAllTextAsync(PriceFeed.Testing.RepoPaths.Of("docs", "data-lake.md"), TestContext.Current.CancellationToken);
        var match = System.Text.RegularExpressions.Regex.Match(docs, "# " + System.Text.RegularExpressions.Regex.Escape(comment) + "\\npricefeed query \"(?<sql>[^\"]+)\"");
        Assert.True(match.Success, $"docs/data-lake.md has no example '# {comment}'.");
        return match.Groups["sql"].Value.Replace("\n", " ", StringComparison.Ordinal);
    }
}
