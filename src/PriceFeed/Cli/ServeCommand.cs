using System.CommandLine;
using PriceFeed.Hosting;

namespace PriceFeed.Cli;

/// <summary><c>pricefeed serve</c>: the web UI and API (and, with --sandbox, the local FYERS stand-in).</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen. The Lambda Web Adapter expects http://127.0.0.1:8080.",
            DefaultValueFactory = _ => ServeSettings.DefaultUrl,
        };
        var sandbox = new Option<bool>("--sandbox")
        {
            Description = "Talk to PriceFeed's built-in FYERS sandbox (synthetic data) instead of FYERS.",
        };
        var command = new Command("serve", "Run the web UI and API.") { urls, sandbox };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new ServeSettings(new Uri(result.GetValue(urls)!), result.GetValue(sandbox));
            await using var app = PriceFeedApp.Build(settings, []);
            await app.StartAsync(cancellationToken);
            await output.WriteLineAsync(PriceFeedApp.Banner(settings));
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
