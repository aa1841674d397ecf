using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// Loopback ports for servers the tests start (the app must know its own address up front in sandbox
/// mode, and s3rver, moto and the Lambda adapter take a port on their command line).
/// A port asked of the kernel (bind to 0, then close) can be handed to any other socket before the
/// server binds it. These come from below the kernel's ephemeral range, which it never hands out on
/// its own, from a block chosen by process id (test assemblies run side by side), never twice in a
/// process, and each is probed so one already in use is skipped.
/// </summary>
internal static class FreePort
{
    private const int Lowest = 10_000;
    private const int BlockSize = 500;
    private static readonly Lock Gate = new();
    private static int next = -1;

    public static Uri Next()
    {
        lock (Gate)
        {
            var (first, end) = Block();
            if (next < first || next >= end)
            {
                next = first;
            }

            for (var tried = 0; tried < end - first; tried++)
            {
                var port = next;
                next = next + 1 >= end ? first : next + 1;
                if (IsFree(port))
                {
                    return new Uri($"http://127.0.0.1:{port}");
                }
            }

            throw new InvalidOperationException($"No free loopback port between {first} and {end - 1}.");
        }
    }

    private static (int First, int End) Block()
    {
        var ephemeralLow = 32_768;
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low))
        {
            ephemeralLow = low;
        }

        var blocks = Math.Max(1, (ephemeralLow - Lowest) / BlockSize);
        var first = Lowest + (Environment.ProcessId % blocks * BlockSize);
        return (first, first + BlockSize);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
