using System.CommandLine;
using System.Globalization;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed reconcile [--date yyyy-MM-dd]</c>: the stream's live bars of a day against the REST
/// bars that replaced them (<see cref="Live.LiveReconciler"/>), printed and stored in the lake. Exit 0
/// with the report (differences are information: the socket samples, REST's bars are kept), 1 when
/// there is nothing to reconcile.
/// </summary>
internal static class ReconcileCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var date = new Option<DateOnly?>("--date") { Description = "The IST date (yyyy-MM-dd); default: the latest day the stream ran." };
        var command = new Command("reconcile", "Compare the live stream's bars of a day with the REST bars of the same minutes: closes, highs/lows within a tick, volumes, gaps and refills.") { date };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(null);
            var reconciler = host.Services.GetRequiredService<Live.LiveReconciler>();
            var days = reconciler.StreamedDays();
            if ((result.GetValue(date) ?? (days.Count > 0 ? days[^1] : null)) is not { } day)
            {
                await error.WriteLineAsync("Nothing to reconcile: the live stream ('pricefeed stream', or 'pricefeed serve' during a session) has not run with this data folder.");
                return ExitCodes.Error;
            }

            if (await reconciler.ReconcileAsync(day, cancellationToken) is not { } report)
            {
                var known = days.Count > 0 ? $" It ran on: {string.Join(", ", days.TakeLast(5).Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}." : string.Empty;
                await error.WriteLineAsync($"Nothing to reconcile for {day:yyyy-MM-dd}: the live stream did not run that day.{known}");
                return ExitCodes.Error;
            }

            await output.WriteAsync(Live.LiveReconciler.ToText(report));
            await output.WriteLineAsync($"Stored in the lake as {Live.LiveReconciler.KeyOf(day)}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
