using System.CommandLine;
using Microsoft.Extensions.Options;
using PriceFeed.Hosting;

namespace PriceFeed.Cli;

/// <summary><c>pricefeed serve</c>: the web UI and API (and, with --sandbox, the local FYERS stand-in).</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen. Default http://127.0.0.1:8080, or the port in AWS_LWA_PORT / PORT (the Lambda Web Adapter's).",
            DefaultValueFactory = _ => ServeSettings.DefaultUrl,
        };
        var sandbox = new Option<bool>("--sandbox")
        {
            Description = "Talk to PriceFeed's built-in FYERS sandbox (synthetic data) instead of FYERS.",
        };
        var pathBase = new Option<string?>("--path-base")
        {
            Description = "Serve under a path prefix such as /prod (the API Gateway stage). Also settable as PathBase.",
        };
        var command = new Command("serve", "Run the web UI and API. Settings go after it as --Section:Key=value (e.g. --Sandbox:MissingDays=2026-05-06).") { urls, sandbox, pathBase };
        // Settings such as --Sandbox:Latency=00:00:00.300 (README, "Sandbox mode") go to the app's
        // configuration as ASP.NET reads them; anything else unknown is still refused (issue 19).
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var settingArgs = result.UnmatchedTokens.ToArray();
            if (settingArgs.FirstOrDefault(t => !IsSetting(t)) is { } unknown)
            {
                await error.WriteLineAsync($"Unrecognized argument '{unknown}' for serve. Settings are written --Section:Key=value, e.g. --Sandbox:MissingDays=2026-05-06 (pricefeed serve --help).");
                return ExitCodes.Usage;
            }

            var settings = new ServeSettings(new Uri(result.GetValue(urls)!), result.GetValue(sandbox), result.GetValue(pathBase));
            // Asked before the app is built: otherwise its scheduler starts a run and the host logs
            // a stack trace before Kestrel finds the port taken.
            if (PortInUse(settings.Url))
            {
                await error.WriteLineAsync(BusyPort(settings.Url));
                return ExitCodes.Error;
            }

            WebApplication app;
            try
            {
                app = PriceFeedApp.Build(settings, settingArgs);
            }
            catch (OptionsValidationException e)
            {
                // A bad setting is the person's to fix: one line naming it, the usage exit code.
                await error.WriteLineAsync(string.Join(" ", e.Failures));
                return ExitCodes.Usage;
            }

            await using var _ = app;
            // The setup code comes first, before the scheduler's first run can print anything (issue 20:
            // it was buried under a metrics line and a failed run).
            var code = await SetupCodeAsync(app, cancellationToken);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync(BusyPort(settings.Url));
                return ExitCodes.Error;
            }

            await output.WriteLineAsync(PriceFeedApp.Banner(settings));
            if (app.Services.GetService<PriceFeed.Sandbox.SandboxState>() is { Replaying: true } replay)
            {
                // Outside NSE hours the sandbox's data socket plays the latest session (issue 21).
                var from = Fyers.Data.MarketTime.ToIst(replay.MarketTime.GetUtcNow());
                await output.WriteLineAsync($"  Data socket:  replaying {from:ddd d MMM} from {from:HH:mm} IST, synthetic (the market is shut now); --Sandbox:ReplayWhenClosed=false turns it off.");
            }

            if (code is not null)
            {
                // Printed to this terminal only, never logged: whoever can read it can set PriceFeed up.
                await output.WriteLineAsync($"No FYERS account is bound yet. Setup code for the first save on the page: {code}");
            }

            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>--Section:Key=value, the form ASP.NET's command-line configuration reads.</summary>
    private static bool IsSetting(string token) =>
        token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=', StringComparison.Ordinal) is var eq and > 3 && token.AsSpan(2, eq - 2).Contains(':');

    private static string BusyPort(Uri url) =>
        $"{url.GetLeftPart(UriPartial.Authority)} is in use (another PriceFeed?). Stop it, or pick another port: pricefeed serve --urls http://127.0.0.1:8081";

    /// <summary>Whether something already listens where serve would (a trial bind, released at once).</summary>
    internal static bool PortInUse(Uri url)
    {
        var address = url.Host is "localhost" ? System.Net.IPAddress.Loopback
            : System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) ? ip
            : System.Net.IPAddress.Any;
        try
        {
            var probe = new System.Net.Sockets.TcpListener(address, url.Port);
            probe.Start();
            probe.Stop();
            return false;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Not ours to judge (an address this machine lacks): Kestrel says what is wrong.
            return false;
        }
    }

    /// <summary>
    /// While nothing is bound, a laptop's serve makes a new setup code at each start and prints it
    /// (the earlier one stops working). On Lambda nobody would see it: the deploy makes it there.
    /// </summary>
    private static async Task<string?> SetupCodeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(app.Configuration["AWS_LAMBDA_FUNCTION_NAME"]))
        {
            return null;
        }

        var snapshot = await app.Services.GetRequiredService<Tokens.TokenVault>().ReadAsync(cancellationToken);
        return snapshot.Binding is null ? await app.Services.GetRequiredService<Tokens.OwnerAccess>().NewSetupCodeAsync(cancellationToken) : null;
    }
}
