using System.Diagnostics;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// Starts a child process (the CLI, the packaged Lambda binary) on the test's clock instead of the
/// machine's: Debian's libfaketime, preloaded, makes the child's wall clock start at the given moment
/// and run on from there. A test that talks to a sandbox on a test clock must do this, or the child
/// judges the sandbox's tokens and sessions by today's real date (a suite that passed on the day it
/// was written failed two days later that way).
/// </summary>
internal static class ProcessClock
{
    /// <summary>"$LIB" lets the loader pick the library of the child's own architecture (x86_64 or, under qemu, aarch64).</summary>
    private const string Library = "/usr/$LIB/faketime/libfaketime.so.1";

    private static readonly string[] Installed =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    ];

    public static void StartAt(ProcessStartInfo start, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!Installed.All(File.Exists))
        {
            throw new InvalidOperationException("Debian's libfaketime is missing: scripts/test.sh installs it (apt-get install faketime).");
        }

        // A suite run under `faketime` shares one clock through FAKETIME_SHARED; this child gets its own.
        start.Environment.Remove("FAKETIME_SHARED");
        start.Environment["LD_PRELOAD"] = Library;
        start.Environment["FAKETIME_FMT"] = "%s"; // epoch seconds: the same moment whatever the child's TZ
        start.Environment["FAKETIME"] = "@" + now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"; // timers and stopwatches keep real time
    }
}
