using System.Net;
using System.Net.Sockets;

namespace PriceFeed.App.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port free right now; the app must know its own address up front in sandbox mode.</summary>
    public static Uri Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
