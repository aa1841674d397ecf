using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceFeed.Fyers.Auth;

namespace PriceFeed.Fyers.Socket;

/// <summary>How a stream ended.</summary>
public enum HsmStreamEnd
{
    /// <summary>Cancelled by the caller (the session closed, the host stopped).</summary>
    Stopped,

    /// <summary>The token is past its expiry, carries no hsm_key, or FYERS answered the auth frame 'N': a person must log in; never retried.</summary>
    LoginNeeded,
}

/// <summary>What a stream went through, for status lines and metrics.</summary>
public enum HsmStreamEventKind
{
    Connected,
    Subscribed,
    Disconnected,
    LoginNeeded,
}

public readonly record struct HsmStreamEvent(HsmStreamEventKind Kind, string Detail, DateTimeOffset At, int Topics = 0);

/// <summary>
/// FYERS' data socket for a set of topics, for as long as the caller wants it (fyers-protocol.md §16):
/// auth with the token's <c>hsm_key</c> (no Authorization header on the upgrade), mode, subscriptions
/// in frames of 1,500 reported ready only once the server answered 'K', then records to the handler.
/// Liveness is WebSocket ping/pong (a quiet or closed market sends nothing and is no reason to
/// reconnect) plus the 10-second app ping. A dropped or dead connection is reopened with backoff and
/// jitter, topic ids forgotten (they are per connection) and the subscriptions sent again; an expired
/// token or an auth 'N' ends the stream with <see cref="HsmStreamEnd.LoginNeeded"/> at once.
/// </summary>
public sealed partial class HsmStream(IOptions<FyersOptions> options, TimeProvider time, ILogger<HsmStream> logger)
{
    /// <summary>The app ping the SDKs send (fyers-protocol.md §16).</summary>
    public static readonly TimeSpan AppPingEvery = TimeSpan.FromSeconds(10);

    /// <summary>How long a control reply may take.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between reconnects.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <param name="mayReconnect">
    /// Asked after a drop, before the next connection: false ends the stream (<see cref="HsmStreamEnd.Stopped"/>).
    /// A stream shift on AWS says no once a newer shift holds the watchlist, so a FYERS that closes the
    /// older of a user's two connections does not start a tug of war between them.
    /// </param>
    public async Task<HsmStreamEnd> RunAsync(FyersCredentials credentials, IReadOnlyList<string> topics, bool full, HsmDecoder.RecordHandler onRecord, Action<HsmStreamEvent>? onEvent, CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? mayReconnect = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(onRecord);
        var decoder = new HsmDecoder();
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (LoginProblem(credentials.AccessToken, out var hsmKey) is { } problem)
            {
                onEvent?.Invoke(new HsmStreamEvent(HsmStreamEventKind.LoginNeeded, problem, time.GetUtcNow()));
                return HsmStreamEnd.LoginNeeded;
            }

            decoder.Reset();
            try
            {
                var outcome = await SessionAsync(hsmKey!, topics, full, decoder, onRecord, onEvent, () => failures = 0, cancellationToken).ConfigureAwait(false);
                if (outcome is { } end)
                {
                    return end;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return HsmStreamEnd.Stopped;
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or FormatException or TimeoutException)
            {
                onEvent?.Invoke(new HsmStreamEvent(HsmStreamEventKind.Disconnected, e.Message, time.GetUtcNow()));
                Log.Disconnected(logger, e.Message);
            }

            // The first retry after a connection that had subscribed goes at once (with jitter, so a
            // fleet of clients does not reconnect in step): a drop of a healthy connection is usually
            // the network's, and every second away is ticks lost. Then 1, 2, 4 ... 30 s.
            failures++;
            var backoff = failures == 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 2, 5))));
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, failures == 1 ? 500 : 1000));
            try
            {
                await Task.Delay(backoff + jitter, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return HsmStreamEnd.Stopped;
            }

            try
            {
                if (mayReconnect is not null && !await mayReconnect(cancellationToken).ConfigureAwait(false))
                {
                    return HsmStreamEnd.Stopped;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return HsmStreamEnd.Stopped;
            }
        }

        return HsmStreamEnd.Stopped;
    }

    /// <summary>One connection: null when it broke (the caller reconnects), or how the stream ends.</summary>
    private async Task<HsmStreamEnd?> SessionAsync(string hsmKey, IReadOnlyList<string> topics, bool full, HsmDecoder decoder, HsmDecoder.RecordHandler onRecord, Action<HsmStreamEvent>? onEvent, Action subscribed, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        // WebSocket pings: a connection whose pong does not come within the timeout is dead.
        socket.Options.KeepAliveInterval = options.Value.DataSocketPingEvery;
        socket.Options.KeepAliveTimeout = options.Value.DataSocketPongTimeout;
        await socket.ConnectAsync(options.Value.DataSocketUri, cancellationToken).ConfigureAwait(false);
        onEvent?.Invoke(new HsmStreamEvent(HsmStreamEventKind.Connected, options.Value.DataSocketUri.Host, time.GetUtcNow()));
        var reader = new FrameReader(socket);
        using var sending = new SemaphoreSlim(1, 1);
        var ackEvery = 0;
        var sinceAck = 0;

        async Task SendAsync(byte[] frame, CancellationToken token)
        {
            await sending.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, token).ConfigureAwait(false);
            }
            finally
            {
                sending.Release();
            }
        }

        async Task<HsmReply> AskAsync(byte[] frame, HsmFrameType type)
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReplyTimeout);
            while (true)
            {
                var answer = await reader.NextAsync(timeout.Token).ConfigureAwait(false) ?? throw new WebSocketException($"The data socket closed before it answered{Why(socket)}.");
                if (HsmDecoder.TypeOf(answer.Span) == HsmFrameType.DataFeed)
                {
                    decoder.ReadData(answer.Span, onRecord);
                    continue;
                }

                if (HsmDecoder.TypeOf(answer.Span) == type)
                {
                    return HsmDecoder.ReadReply(answer.Span);
                }
            }
        }

        var auth = await AskAsync(HsmRequests.Auth(hsmKey), HsmFrameType.Auth).ConfigureAwait(false);
        if (!auth.Accepted)
        {
            const string refused = "FYERS refused the data socket's login (auth 'N'): log in with FYERS again.";
            onEvent?.Invoke(new HsmStreamEvent(HsmStreamEventKind.LoginNeeded, refused, time.GetUtcNow()));
            return HsmStreamEnd.LoginNeeded;
        }

        ackEvery = auth.AckEvery;
        if (!(await AskAsync(HsmRequests.Mode(full), HsmFrameType.Mode).ConfigureAwait(false)).Accepted)
        {
            throw new WebSocketException("FYERS refused the data socket's mode.");
        }

        var taken = 0;
        foreach (var chunk in topics.Chunk(HsmRequests.TopicsPerFrame))
        {
            if (taken > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
            }

            if ((await AskAsync(HsmRequests.Subscribe(chunk), HsmFrameType.Subscribe).ConfigureAwait(false)).Accepted)
            {
                taken += chunk.Length;
            }
        }

        subscribed();
        onEvent?.Invoke(new HsmStreamEvent(HsmStreamEventKind.Subscribed, $"{taken} of {topics.Count} topics", time.GetUtcNow(), taken));
        // The app ping runs beside the reader: cancelling a pending receive would abort the socket.
        using var stopPing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pinger = PingAsync(SendAsync, stopPing.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var frame = await reader.NextAsync(cancellationToken).ConfigureAwait(false) ?? throw new WebSocketException($"The data socket was closed by FYERS{Why(socket)}.");
                if (frame.Length > 0 && HsmDecoder.TypeOf(frame.Span) == HsmFrameType.DataFeed)
                {
                    var message = decoder.ReadData(frame.Span, onRecord);
                    if (ackEvery > 0 && ++sinceAck >= ackEvery)
                    {
                        sinceAck = 0;
                        await SendAsync(HsmRequests.Ack(message), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            await stopPing.CancelAsync().ConfigureAwait(false);
            try
            {
                await pinger.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // The connection is going anyway.
            }
        }

        return HsmStreamEnd.Stopped;
    }

    /// <summary>The server's reason for a close, as it gave it (": …"), or nothing.</summary>
    private static string Why(ClientWebSocket socket) =>
        string.IsNullOrWhiteSpace(socket.CloseStatusDescription) ? string.Empty : $": {socket.CloseStatusDescription}";

    private async Task PingAsync(Func<byte[], CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var ping = HsmRequests.Ping.ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(AppPingEvery, time, cancellationToken).ConfigureAwait(false);
            await send(ping, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Null when the token can open the socket; otherwise why a login is needed.</summary>
    private string? LoginProblem(string accessToken, out string? hsmKey)
    {
        hsmKey = null;
        var info = AccessTokenInfo.TryDecode(accessToken);
        if (info is null)
        {
            return "The stored token cannot be read: log in with FYERS again.";
        }

        if (info.IsExpiredAt(time.GetUtcNow()))
        {
            return $"The FYERS token expired at {info.ExpiresAt.ToOffset(TimeSpan.FromMinutes(330)):HH:mm} IST: log in with FYERS again.";
        }

        using var payload = Jwt.TryReadPayload(accessToken);
        hsmKey = payload is not null && payload.RootElement.TryGetProperty("hsm_key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
        return string.IsNullOrEmpty(hsmKey) ? "The stored token carries no data-socket key (hsm_key): log in with FYERS again." : null;
    }

    /// <summary>Whole messages from the socket; null once it is closed.</summary>
    private sealed class FrameReader(ClientWebSocket socket)
    {
        private byte[] buffer = new byte[64 * 1024];

        public async Task<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancellationToken)
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    return result.MessageType == WebSocketMessageType.Binary ? buffer.AsMemory(0, length) : ReadOnlyMemory<byte>.Empty;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "The FYERS data socket dropped ({Reason}); reconnecting")]
        public static partial void Disconnected(ILogger logger, string reason);
    }
}
