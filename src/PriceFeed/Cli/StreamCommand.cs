using System.CommandLine;
using PriceFeed.Live;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed stream</c>: the watchlist from FYERS' data socket into the day's tick log and live
/// 1-minute bars in the lake (issue 21), until Ctrl+C. Exit 0 when stopped, 1 when a login is needed
/// or nothing on the watchlist can be streamed.
/// </summary>
internal static class StreamCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var sandbox = SandboxOption.Create();
        var command = new Command("stream", "Stream the watchlist live from FYERS' data socket into ticks and 1-minute bars, until Ctrl+C.") { sandbox };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, sandbox));
            if (await FyersMatch.StopsAsync(host.Services, SandboxOption.Value(result, sandbox), error, cancellationToken))
            {
                return ExitCodes.Usage;
            }

            var feed = host.Services.GetRequiredService<LiveFeed>();
            await error.WriteLineAsync("Streaming the watchlist; Ctrl+C stops.");
            var end = await feed.RunAsync(cancellationToken);
            var status = feed.Status;
            await output.WriteLineAsync($"stream: {end switch { LiveFeedEnd.Stopped => "stopped", LiveFeedEnd.LoginNeeded => "login-needed", _ => "nothing to stream" }}. {status.Topics} symbols, {status.Ticks} ticks, {status.BarsWritten} live bars written, {status.Reconnects} reconnects.{(status.Detail is { } d && end != LiveFeedEnd.Stopped ? " " + d : string.Empty)}");

            // Days whose session is over go from the tick log into the lake (Ctrl+C does not skip it).
            using var compacting = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            foreach (var day in await host.Services.GetRequiredService<TickCompactor>().CompactFinishedAsync(compacting.Token))
            {
                await output.WriteLineAsync($"ticks of {day.Date:yyyy-MM-dd} compacted into {day.Key}: {day.Ticks:N0} ticks, {day.Bytes:N0} bytes.");
            }

            return end == LiveFeedEnd.Stopped ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }
}
