using System.CommandLine;

namespace PriceFeed.Cli;

/// <summary>--sandbox [URL]: talk to the sandbox of a running 'pricefeed serve --sandbox' instead of FYERS.</summary>
internal static class SandboxOption
{
    /// <summary>Where 'pricefeed serve --sandbox' listens unless told otherwise.</summary>
    public static readonly Uri Local = new("http://127.0.0.1:8080");

    public static Option<string?> Create() => new("--sandbox")
    {
        Description = $"Use the FYERS sandbox of a running 'pricefeed serve --sandbox' (default {Local.GetLeftPart(UriPartial.Authority)}).",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = r =>
        {
            // Only an address is the option's value. In 'ingest --sandbox quotes' the parser hands
            // the job's name to the option (it cannot give it back): say where the flag goes.
            if (r.Tokens.Count == 1 && !LooksLikeAddress(r.Tokens[0].Value))
            {
                r.AddError($"--sandbox takes an address such as {Local.GetLeftPart(UriPartial.Authority)}, not '{r.Tokens[0].Value}': put --sandbox last, or give the address after it.");
                return null;
            }

            return r.Tokens.Count == 0 ? null : r.Tokens[0].Value;
        },
    };

    /// <summary>
    /// The sandbox's address, or null for FYERS. A bare --sandbox is the local default: the parser
    /// gives no value for an option without a token (issue 20: it reached api-t1.fyers.in), so
    /// presence is read from the parse result, not from the value.
    /// </summary>
    public static Uri? Value(ParseResult result, Option<string?> option)
    {
        if (result.GetResult(option) is null)
        {
            return null;
        }

        return result.GetValue(option) is { } text ? new Uri(text) : Local;
    }

    private static bool LooksLikeAddress(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
