using PriceFeed.Sandbox;
using PriceFeed.Tokens;

namespace PriceFeed.Cli;

/// <summary>
/// The stored token knows which FYERS issued it: the sandbox's app (SandboxDefaults.ClientId) or a
/// real FYERS app. A command that would send it to the other one stops first with one line saying
/// which flag to add (issue 20: forgetting --sandbox after a sandbox login gave 60 warning lines, a
/// failed run and a red feed card). It stops before any run starts, so the page's record of the
/// scheduled jobs is not touched.
/// </summary>
internal static class FyersMatch
{
    /// <summary>True (after writing the one line) when the command must stop: the caller exits with the usage code.</summary>
    public static async Task<bool> StopsAsync(IServiceProvider services, Uri? sandboxUrl, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (await ProblemAsync(services, sandboxUrl, cancellationToken) is not { } mismatch)
        {
            return false;
        }

        await error.WriteLineAsync(mismatch);
        return true;
    }

    public static async Task<string?> ProblemAsync(IServiceProvider services, Uri? sandboxUrl, CancellationToken cancellationToken)
    {
        // Only what the jobs may read: on AWS the person running verify --repair has the jobs' rights, not the page's.
        var snapshot = await services.GetRequiredService<TokenVault>().ReadForJobsAsync(cancellationToken);
        if (snapshot.AccessToken is null || snapshot.ClientId is null)
        {
            return null; // nothing to send anywhere: the command says "log in" itself
        }

        var sandboxToken = string.Equals(snapshot.ClientId, SandboxDefaults.ClientId, StringComparison.Ordinal);
        return (sandboxToken, sandboxUrl is not null) switch
        {
            (true, false) => $"The stored token is the FYERS sandbox's (app {SandboxDefaults.ClientId}), so it would be refused by FYERS: add --sandbox (or --sandbox URL of the 'pricefeed serve --sandbox' you logged in on).",
            (false, true) => $"The stored token is from FYERS itself (app {snapshot.ClientId}), not the sandbox: leave out --sandbox.",
            _ => null,
        };
    }
}
