using System.Buffers.Text;
using System.CommandLine;
using System.Security.Cryptography;
using PriceFeed.Fyers.Auth;
using PriceFeed.Tokens;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed login</c>: the terminal fallback of the token page. Prints the FYERS login URL, reads
/// the redirect URL the person pastes back, checks its state, and stores the tokens.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var sandbox = SandboxOption.Create();
        var redirectUri = new Option<string?>("--redirect-uri") { Description = "The redirect URI registered in the FYERS app (stored for next time)." };
        var command = new Command("login", "Log in to FYERS in a browser and store today's token.") { sandbox, redirectUri };
        command.SetAction(async (result, cancellationToken) =>
        {
            var sandboxUrl = SandboxOption.Value(result, sandbox);
            using var host = CliHost.Build(sandboxUrl);

            // The sandbox registers the serving app's own /callback, so that is the redirect to use there.
            var redirect = result.GetValue(redirectUri) ?? (sandboxUrl is null ? null : new Uri(sandboxUrl, "callback").AbsoluteUri);
            return await RunAsync(host.Services, redirect, input, output, error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string? redirectUriText, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var vault = services.GetRequiredService<TokenVault>();
        var auth = services.GetRequiredService<FyersAuthClient>();
        var snapshot = await vault.ReadAsync(cancellationToken);

        if (snapshot.ClientId is null || snapshot.AppSecret is null)
        {
            await output.WriteAsync("FYERS Client ID (for example ABCD1234-100): ");
            var clientId = await input.ReadLineAsync(cancellationToken);
            await output.WriteAsync("FYERS App Secret: ");
            var secret = await input.ReadLineAsync(cancellationToken);
            var saved = await vault.SaveCredentialsAsync(clientId, secret, redirectUriText, null, cancellationToken);
            if (!saved.Ok)
            {
                await error.WriteLineAsync(saved.Error);
                return ExitCodes.Error;
            }

            snapshot = await vault.ReadAsync(cancellationToken);
        }
        else if (redirectUriText is not null)
        {
            var saved = await vault.SaveCredentialsAsync(snapshot.ClientId, snapshot.AppSecret, redirectUriText, snapshot.AppSecret, cancellationToken);
            if (!saved.Ok)
            {
                await error.WriteLineAsync(saved.Error);
                return ExitCodes.Error;
            }
        }

        var redirect = redirectUriText ?? snapshot.RedirectUri;
        if (redirect is null)
        {
            await error.WriteLineAsync("Which redirect URI is registered in your FYERS app? Pass it once with --redirect-uri (for example https://trade.fyers.in/api-login/redirect-uri/index.html).");
            return ExitCodes.Usage;
        }

        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var url = auth.BuildLoginUrl(snapshot.ClientId!, new Uri(redirect), state);
        await output.WriteLineAsync("Open this address in a browser and log in to FYERS (2FA):");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"  {url}");
        await output.WriteLineAsync();
        await output.WriteLineAsync("FYERS then sends the browser to your redirect URI. Copy that whole address from the address bar and paste it here");
        await output.WriteLineAsync("(if it is a running 'pricefeed serve', its page shows the address to copy):");
        await output.WriteAsync("> ");
        var pasted = await input.ReadLineAsync(cancellationToken);

        if (!AuthRedirect.TryParse(pasted, out var parsed, out var parseError))
        {
            await error.WriteLineAsync(parseError);
            return ExitCodes.Error;
        }

        if (parsed!.State != state)
        {
            await error.WriteLineAsync(parsed.State is null
                ? "That address has no state=..., so it cannot be tied to this login. Paste the whole address FYERS sent the browser to, or run 'pricefeed login' again."
                : "That address belongs to another login (its state does not match this one). Run 'pricefeed login' again and use the newest address.");
            return ExitCodes.Error;
        }

        var stored = await vault.CompleteLoginAsync(parsed.AuthCode, cancellationToken);
        if (!stored.Ok)
        {
            await error.WriteLineAsync(stored.Error);
            return ExitCodes.Error;
        }

        var status = await vault.StatusAsync(cancellationToken);
        await output.WriteLineAsync(status.Message);
        await output.WriteLineAsync($"Account: {string.Join(" · ", new[] { status.Name, status.Account }.Where(s => s is not null))}");
        return ExitCodes.Ok;
    }
}
