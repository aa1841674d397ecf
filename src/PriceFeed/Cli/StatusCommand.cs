using PriceFeed.Coverage;
using System.CommandLine;
using PriceFeed.Ingestion;
using PriceFeed.Status;
using PriceFeed.Tokens;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed status</c>: the token and the last run of each job, in the same words as the page
/// (<see cref="FeedHealth"/>), whoever made the runs: serve's scheduler, another terminal, this one.
/// Exit 0 when the token is usable and no latest run failed, 1 otherwise.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("status", "Show today's token and the last run of each job (the page's words). Exit code 0 when all is well, 1 when something needs doing.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = CliHost.Build(null);
            var token = await host.Services.GetRequiredService<TokenVault>().StatusAsync(cancellationToken);
            var runs = await host.Services.GetRequiredService<RunHistory>().LatestAsync(cancellationToken);
            var session = await host.Services.GetRequiredService<LakeCoverage>().LatestSessionAsync(cancellationToken);
            // The stream runs in serve or 'pricefeed stream', another process: its status file says how it is.
            var stream = await Live.StreamSnapshot.ReadAsync(Live.StreamSnapshot.PathIn(host.Services.GetRequiredService<Home.DataFolder>()), cancellationToken);
            var feed = FeedHealth.Assess(runs, token, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), session, stream);
            await output.WriteLineAsync(feed.Headline ?? $"Token: {token.State.Text()}. {token.Message}");
            if (runs.Count == 0)
            {
                await output.WriteLineAsync("No runs yet: 'pricefeed ingest eod' or 'pricefeed serve' (its scheduler runs the jobs).");
            }

            foreach (var line in feed.Lines)
            {
                await output.WriteLineAsync($"  {line.Text}");
            }

            var trouble = feed.Lines.Where(l => l.Tone is "bad" or "warn").ToList();
            if (!token.IsUsable)
            {
                await error.WriteLineAsync("Log in: 'pricefeed login', or the page that 'pricefeed serve' prints.");
            }

            return token.IsUsable && trouble.Count == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }
}
