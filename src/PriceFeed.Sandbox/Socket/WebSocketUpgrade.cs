using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PriceFeed.Sandbox.Socket;

/// <summary>
/// The WebSocket handshake (RFC 6455 §4.2) done here rather than by ASP.NET's
/// <c>AcceptWebSocketAsync</c>, for one reason: the sandbox needs its own stream under the socket to
/// play a dead network path (<see cref="SandboxSocketFaults.Blackhole"/>). ASP.NET answers WebSocket
/// pings inside any pending receive, so no server code above the stream can withhold a pong, and a
/// client's ping timeout could never be tested. Everything else (framing, pings, close) is .NET's
/// own <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>.
/// </summary>
internal static class WebSocketUpgrade
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The server's socket, or null after answering 400 to a request that is no WebSocket handshake.</summary>
    public static async Task<WebSocket?> AcceptAsync(HttpContext context, SandboxSocketFaults faults)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var headers = context.Request.Headers;
        var key = headers.SecWebSocketKey.ToString();
        if (upgrade is not { IsUpgradableRequest: true }
            || !HttpMethods.IsGet(context.Request.Method)
            || !string.Equals(headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase)
            || headers.SecWebSocketVersion.ToString() != "13"
            || !IsKey(key))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }

        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(new PathStream(stream, faults), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    /// <summary>A key is 16 random bytes in base64 (RFC 6455 §4.1).</summary>
    private static bool IsKey(string key)
    {
        Span<byte> bytes = stackalloc byte[24];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }

    /// <summary>The connection's bytes, held in both directions while the network path is "dead".</summary>
    private sealed class PathStream(Stream inner, SandboxSocketFaults faults) : Stream
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            await WhileDeadAsync(cancellationToken); // what arrived in a dead spell is never answered in it
            return read;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await WhileDeadAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        // Polled on the real clock: the path is a network's, not the market's.
        private async Task WhileDeadAsync(CancellationToken cancellationToken)
        {
            while (faults.Blackhole)
            {
                await Task.Delay(Poll, cancellationToken);
            }
        }
    }
}
