using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.Sandbox.Auth;
using PriceFeed.Sandbox.Market;

namespace PriceFeed.Sandbox.Socket;

/// <summary>
/// FYERS' data socket at <c>{prefix}/hsm/v1-5/prod</c> (fyers-protocol.md §16): the auth frame with a
/// sandbox token's <c>hsm_key</c>, full and lite mode, subscribe and unsubscribe, then a snapshot per
/// topic and, about once a second on the sandbox clock, updates carrying only what changed. Prices
/// come from the same synthetic market as the REST quotes, so the socket and <c>data/quotes</c>
/// agree at any instant. Everything it sends is synthetic, like the rest of the sandbox.
/// </summary>
internal static class SandboxSocket
{
    public const string Path = "hsm/v1-5/prod";

    /// <summary>How often subscribed topics are sampled for updates (FYERS: about once a second).</summary>
    public static readonly TimeSpan UpdateEvery = TimeSpan.FromSeconds(1);

    private static readonly Lazy<FrozenDictionary<string, string>> TopicsToSymbols = new(() =>
        SymbolUniverse.Of("NSE").Concat(SymbolUniverse.Of("BSE")).ToFrozenDictionary(TopicOf, s => s, StringComparer.Ordinal));

    public static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var state = context.RequestServices.GetRequiredService<SandboxState>();
        // FYERS accepts an upgrade that carries an Authorization header and then ignores the auth
        // frame for good (fyers-protocol.md §16): so does the sandbox, so a client that sends one finds out.
        var ignoresAuth = context.Request.Headers.Authorization.Count > 0;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new Session(socket, state, ignoresAuth);
        // Ended when the host stops, too: the server otherwise waits its whole shutdown timeout for a
        // socket whose client (serve's own stream, in the same process) is stopped after it.
        var stopping = context.RequestServices.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var dropped = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        // A dropped connection ends without a close handshake, as a network failure does.
        using var tracked = state.TrackSocket(() =>
        {
            // Aborting can run the session's end inline, disposing both: each step may find them gone.
            try
            {
                dropped.Cancel();
                socket.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        });
        await session.RunAsync(dropped.Token);
    }

    /// <summary>The topic FYERS names a symbol's scrip or index updates by.</summary>
    public static string TopicOf(string symbol)
    {
        var token = SymbolUniverse.FyToken(symbol);
        var segment = token.StartsWith("1210", StringComparison.Ordinal) ? "bse_cm" : "nse_cm";
        if (!SymbolUniverse.IsIndex(symbol))
        {
            return $"sf|{segment}|{token[10..]}";
        }

        var name = symbol switch
        {
            "NSE:NIFTY50-INDEX" => "Nifty 50",
            "NSE:NIFTYBANK-INDEX" => "Nifty Bank",
            "BSE:SENSEX-INDEX" => "SENSEX",
            _ => symbol[(symbol.IndexOf(':', StringComparison.Ordinal) + 1)..symbol.LastIndexOf('-')],
        };
        return $"if|{segment}|{name}";
    }

    public static string? SymbolOf(string topic) => TopicsToSymbols.Value.TryGetValue(topic, out var symbol) ? symbol : null;

    /// <summary>One connection: its topic ids, its mode, what it last sent of each topic.</summary>
    private sealed class Session(WebSocket socket, SandboxState state, bool ignoresAuth)
    {
        private readonly SemaphoreSlim sending = new(1, 1);
        private readonly Dictionary<string, Topic> topics = new(StringComparer.Ordinal);
        private readonly Lock gate = new();
        private TokenOwner? owner;
        private bool full = true;
        private int messages;
        private ushort nextId = 1;
        private string? closeReason;

        public async Task RunAsync(CancellationToken aborted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var updates = UpdatesAsync(stop.Token);
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var (length, close) = await ReceiveAsync(buffer, stop.Token);
                    if (close)
                    {
                        break;
                    }

                    if (length >= 3)
                    {
                        await OnFrameAsync(buffer.AsMemory(0, length), stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The client went away: nothing to answer.
            }
            catch (Exception e)
            {
                closeReason = $"{e.GetType().Name}: {e.Message}";
                throw;
            }
            finally
            {
                await stop.CancelAsync();
                try
                {
                    await updates;
                }
                catch (OperationCanceledException)
                {
                }

                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(closeReason is null ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError, closeReason, CancellationToken.None);
                }
            }
        }

        private async Task<(int Length, bool Close)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var length = 0;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (0, true);
                }

                length += result.Count;
                if (result.EndOfMessage || length == buffer.Length)
                {
                    // A text frame (the Go SDK's "ping") is not part of the protocol: ignored.
                    return (result.MessageType == WebSocketMessageType.Binary ? length : 0, false);
                }
            }
        }

        private async Task OnFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        {
            var type = frame.Span[2];
            if (type == 1)
            {
                if (ignoresAuth)
                {
                    return;
                }

                owner = state.Authority.CheckHsmKey(Field(frame.Span, 1) is { } key ? Encoding.ASCII.GetString(key) : null);
                await SendAsync(HsmFrames.Reply(1, owner is not null, ackEvery: 2), cancellationToken);
                if (owner is null)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Authentication failed", cancellationToken);
                }

                return;
            }

            if (owner is null)
            {
                return; // before a good auth frame the server says nothing
            }

            switch (type)
            {
                case 12:
                    full = Field(frame.Span, 2) is not [(byte)'L'];
                    await SendAsync(HsmFrames.Reply(12, accepted: true), cancellationToken);
                    break;
                case 4:
                    await SubscribeAsync(Topics(frame.Span), cancellationToken);
                    break;
                case 5:
                    lock (gate)
                    {
                        foreach (var topic in Topics(frame.Span))
                        {
                            topics.Remove(topic);
                        }
                    }

                    await SendAsync(HsmFrames.Reply(5, accepted: true), cancellationToken);
                    break;
                default:
                    // ping (11), ack (3), pause and resume: what FYERS answers is unconfirmed; nothing.
                    break;
            }
        }

        private async Task SubscribeAsync(List<string> requested, CancellationToken cancellationToken)
        {
            var known = requested.Select(t => (Topic: t, Symbol: SymbolOf(t))).Where(x => x.Symbol is not null).ToList();
            await SendAsync(HsmFrames.Reply(4, accepted: known.Count > 0), cancellationToken);
            var now = state.Time.GetUtcNow();
            var frame = new HsmFrames.DataFrame((uint)Interlocked.Increment(ref messages));
            lock (gate)
            {
                foreach (var (name, symbol) in known)
                {
                    if (!topics.TryGetValue(name, out var topic))
                    {
                        topic = new Topic(nextId++, name, symbol!);
                        topics[name] = topic;
                    }

                    topic.Last = Values(topic.Symbol, now);
                    frame.Snapshot(topic.Id, topic.Name, topic.Last, 1, 2, SymbolUniverse.Exchange(topic.Symbol), SymbolUniverse.FyToken(topic.Symbol)[10..], SymbolUniverse.ShortName(topic.Symbol));
                }
            }

            if (frame.Records > 0)
            {
                await SendAsync(frame.Done(), cancellationToken);
            }
        }

        private async Task UpdatesAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(UpdateEvery, state.Time, cancellationToken);
                var now = state.Time.GetUtcNow();
                var frame = new HsmFrames.DataFrame((uint)Interlocked.Increment(ref messages));
                lock (gate)
                {
                    foreach (var topic in topics.Values)
                    {
                        var values = Values(topic.Symbol, now);
                        if (!full)
                        {
                            if (values[0] != topic.Last[0])
                            {
                                frame.Lite(topic.Id, values[0]);
                            }
                        }
                        else
                        {
                            var changed = new int[values.Length];
                            var any = false;
                            for (var i = 0; i < values.Length; i++)
                            {
                                var same = values[i] == topic.Last[i];
                                changed[i] = same ? HsmFrames.Unchanged : values[i];
                                any |= !same;
                            }

                            if (any)
                            {
                                frame.Update(topic.Id, changed);
                            }
                        }

                        topic.Last = values;
                    }
                }

                if (frame.Records > 0)
                {
                    await SendAsync(frame.Done(), cancellationToken);
                }
            }
        }

        /// <summary>A scrip's 21 fields or an index's 6, in paise (precision 2, multiplier 1), from the synthetic quote.</summary>
        private int[] Values(string symbol, DateTimeOffset now)
        {
            var q = SyntheticQuote.At(state.Market, symbol, now);
            static int P(double price) => (int)Math.Round(price * 100, MidpointRounding.AwayFromZero);
            var time = (int)now.ToUnixTimeSeconds();
            if (SymbolUniverse.IsIndex(symbol))
            {
                return [P(q.Last), P(q.PreviousClose), time, P(q.High), P(q.Low), P(q.Open)];
            }

            var tick = q.Last < 1 ? 0.01 : 0.05;
            var volume = (int)Math.Min(int.MaxValue, q.Volume);
            return
            [
                P(q.Last), volume, time, time, 100, 100, P(q.Last), P(q.Last + tick), 1, volume / 7, volume / 8,
                P(q.AveragePrice), 0, P(q.Low), P(q.High), P(Math.Max(q.High, q.PreviousClose * 1.2)), P(Math.Min(q.Low, q.PreviousClose * 0.8)),
                P(Math.Round(q.PreviousClose * 0.8 * 20) / 20), P(Math.Round(q.PreviousClose * 1.2 * 20) / 20), P(q.Open), P(q.PreviousClose),
            ];
        }

        private async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
        {
            await sending.WaitAsync(cancellationToken);
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                }
            }
            finally
            {
                sending.Release();
            }
        }

        /// <summary>A field's value in a control frame, found by the field lengths (never by the length prefix).</summary>
        private static byte[]? Field(ReadOnlySpan<byte> frame, byte id)
        {
            var p = 4;
            for (var f = 0; f < frame[3] && p + 3 <= frame.Length; f++)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(frame[(p + 1)..]);
                if (frame[p] == id && p + 3 + length <= frame.Length)
                {
                    return frame.Slice(p + 3, length).ToArray();
                }

                p += 3 + length;
            }

            return null;
        }

        private static List<string> Topics(ReadOnlySpan<byte> frame)
        {
            var topics = new List<string>();
            if (Field(frame, 1) is not { Length: >= 2 } blob)
            {
                return topics;
            }

            var count = BinaryPrimitives.ReadUInt16BigEndian(blob);
            var p = 2;
            for (var i = 0; i < count && p < blob.Length; i++)
            {
                var length = blob[p++];
                if (p + length > blob.Length)
                {
                    break;
                }

                topics.Add(Encoding.ASCII.GetString(blob, p, length));
                p += length;
            }

            return topics;
        }

        private sealed class Topic(ushort id, string name, string symbol)
        {
            public ushort Id { get; } = id;

            public string Name { get; } = name;

            public string Symbol { get; } = symbol;

            public int[] Last { get; set; } = [];
        }
    }
}
