using System.CommandLine;

namespace PriceFeed.Cli;

/// <summary>--sandbox [URL]: talk to the sandbox of a running 'pricefeed serve --sandbox' instead of FYERS.</summary>
internal static class SandboxOption
{
    public static Option<string?> Create() => new("--sandbox")
    {
        Description = "Use the FYERS sandbox of a running 'pricefeed serve --sandbox' (default http://127.0.0.1:8080).",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => null,
        CustomParser = r => r.Tokens.Count == 0 ? "http://127.0.0.1:8080" : r.Tokens[0].Value,
    };

    public static Uri? Value(ParseResult result, Option<string?> option)
    {
        var text = result.GetResult(option) is null ? null : result.GetValue(option);
        return text is null ? null : new Uri(text);
    }
}
