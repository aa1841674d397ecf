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

    // Every symbol's scrip or index topic, and a depth topic for each symbol that is not an index
    // (an index has no order book: "dp|nse_cm|Nifty 50" is unknown, so subscribing only it is refused).
    private static readonly Lazy<FrozenDictionary<string, string>> TopicsToSymbols = new(() =>
        SymbolUniverse.Of("NSE").Concat(SymbolUniverse.Of("BSE"))
            .SelectMany(s => SymbolUniverse.IsIndex(s) ? [(Topic: TopicOf(s), Symbol: s)] : new[] { (Topic: TopicOf(s), Symbol: s), (Topic: DepthTopicOf(s), Symbol: s) })
            .ToFrozenDictionary(x => x.Topic, x => x.Symbol, StringComparer.Ordinal));

    public static async Task HandleAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<SandboxState>();
        // FYERS accepts an upgrade that carries an Authorization header and then ignores the auth
        // frame for good (fyers-protocol.md §16): so does the sandbox, so a client that sends one finds out.
        var ignoresAuth = context.Request.Headers.Authorization.Count > 0;
        if (await WebSocketUpgrade.AcceptAsync(context, state.SocketFaults) is not { } socket)
        {
            return;
        }

        using (socket)
        {
            // Ended when the host stops, too: the server otherwise waits its whole shutdown timeout for a
            // socket whose client (serve's own stream, in the same process) is stopped after it.
            var stopping = context.RequestServices.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
            using var dropped = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            // A dropped connection ends without a close handshake, as a network failure does.
            using var handle = state.TrackSocket(() =>
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
            var session = new Session(socket, state, handle, ignoresAuth);
            handle.Close = session.CloseAsync;
            await session.RunAsync(dropped.Token);
        }
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

    /// <summary>The topic of a scrip's five levels of market depth.</summary>
    public static string DepthTopicOf(string symbol) => "dp" + TopicOf(symbol)[2..];

    public static string? SymbolOf(string topic) => TopicsToSymbols.Value.TryGetValue(topic, out var symbol) ? symbol : null;

    /// <summary>One connection: its topic ids, its mode, what it last sent of each topic.</summary>
    private sealed class Session(WebSocket socket, SandboxState state, SocketHandle handle, bool ignoresAuth)
    {
        /// <summary>How far behind the market clock the updates may fall and still be caught up trade by trade.</summary>
        private static readonly TimeSpan MaxCatchUp = TimeSpan.FromMinutes(5);

        private readonly SemaphoreSlim sending = new(1, 1);
        private readonly Dictionary<string, Topic> topics = new(StringComparer.Ordinal);
        private readonly Lock gate = new();

        // Frames held back by the LateBy fault, oldest first: sent by the update loop once due.
        private readonly Queue<(DateTimeOffset Due, byte[] Frame)> held = new();
        private TokenOwner? owner;
        private string? hsmKey;
        private bool full = true;
        private int messages;
        private ushort nextId = 1;
        private string? closeReason;
        private (WebSocketCloseStatus Status, string Reason)? closing;

        private SandboxSocketFaults Faults => state.SocketFaults;

        private TimeSpan Step => TimeSpan.FromTicks(TimeSpan.TicksPerSecond / state.Options.TradesPerSecond);

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
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
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
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
                {
                }

                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    try
                    {
                        var (status, reason) = closing ?? (closeReason is null ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError, closeReason ?? string.Empty);
                        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        await socket.CloseOutputAsync(status, reason, limit.Token);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            }
        }

        /// <summary>Closes the connection with a close frame (the server's decision, not a network failure).</summary>
        public async Task CloseAsync(WebSocketCloseStatus status, string reason)
        {
            closing = (status, reason);
            await sending.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseOutputAsync(status, reason, limit.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                sending.Release();
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

                hsmKey = Field(frame.Span, 1) is { } key ? Encoding.ASCII.GetString(key) : null;
                owner = Faults.RejectAuth ? null : state.Authority.CheckHsmKey(hsmKey);
                if (owner is not null)
                {
                    handle.FyId = owner.Account.FyId;
                    var others = state.OtherSockets(handle).ToList();
                    if (others.Count > 0 && Faults.SecondConnection == SecondConnection.Refuse)
                    {
                        // What FYERS does is unconfirmed: the sandbox closes the newcomer without a reply.
                        handle.FyId = null;
                        owner = null;
                        await CloseAsync(WebSocketCloseStatus.PolicyViolation, "Another data-socket connection of this user is open");
                        return;
                    }

                    if (Faults.SecondConnection == SecondConnection.EvictOld)
                    {
                        foreach (var other in others)
                        {
                            await other.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Replaced by a newer data-socket connection of this user");
                        }
                    }
                }

                // As captured from FYERS: 'K', ack every 2 data frames, and the master data FYERS' JS SDK decodes by.
                await SendAsync(owner is not null ? HsmFrames.Reply(1, accepted: true, ackEvery: 2, HsmMasterData.Utf8) : HsmFrames.Reply(1, accepted: false, ackEvery: 2), cancellationToken);
                if (owner is null)
                {
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, "Authentication failed");
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
            var now = state.MarketTime.GetUtcNow();
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

                    topic.Last = Values(topic, now);
                    topic.SentAt = now;
                    // The second string is the topic's last part: a scrip's exchange token ("3045"), an index's
                    // name ("Nifty 50"). FYERS' JS SDK files each record under it (fyers-protocol.md §16).
                    frame.Snapshot(topic.Id, topic.Name, topic.Last, 1, 2, SymbolUniverse.Exchange(topic.Symbol), topic.Name[(topic.Name.LastIndexOf('|') + 1)..], SymbolUniverse.ShortName(topic.Symbol));
                }
            }

            if (frame.Records > 0)
            {
                state.CountSocketRecords(frame.Records);
                await SendDataAsync(frame.Done(), cancellationToken);
            }
        }

        /// <summary>
        /// An update per trade step (<see cref="SandboxOptions.TradesPerSecond"/>) on the market clock,
        /// each carrying what changed. When the loop falls behind (a busy machine, a clock a test moved)
        /// it sends every step it missed, up to <see cref="MaxCatchUp"/>, so no trade goes unsent; past
        /// that it jumps to now, as a feed that resumes after a stall does.
        /// </summary>
        private async Task UpdatesAsync(CancellationToken cancellationToken)
        {
            var sentUntil = Floor(state.MarketTime.GetUtcNow());
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Step, state.MarketTime, cancellationToken);
                if (owner is not null && hsmKey is not null && state.Authority.CheckHsmKey(hsmKey) is null)
                {
                    // The token died (06:00 IST, or revoked) while connected: FYERS' behaviour is
                    // unconfirmed; the sandbox closes the connection, and a new auth is refused.
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, "The access token is no longer valid");
                    return;
                }

                var now = Floor(state.MarketTime.GetUtcNow());
                var from = now - sentUntil > MaxCatchUp ? now - MaxCatchUp : sentUntil + Step;
                sentUntil = now;
                if (Faults.Silent || Faults.Blackhole)
                {
                    continue; // the market moves on; this connection hears nothing of it
                }

                await SendHeldAsync(cancellationToken);

                for (var at = from; at <= now; at += Step)
                {
                    if (UpdateFrame(at) is { } frame)
                    {
                        await SendDataAsync(frame, cancellationToken);
                    }
                }
            }
        }

        private byte[]? UpdateFrame(DateTimeOffset at)
        {
            HsmFrames.DataFrame? frame = null;
            lock (gate)
            {
                foreach (var topic in topics.Values)
                {
                    if (at <= topic.SentAt)
                    {
                        continue;
                    }

                    var values = Values(topic, at);
                    topic.SentAt = at;
                    if (!full)
                    {
                        // Lite mode carries a last price: depth topics send nothing in it.
                        if (!topic.IsDepth && values[0] != topic.Last[0])
                        {
                            (frame ??= new HsmFrames.DataFrame((uint)Interlocked.Increment(ref messages))).Lite(topic.Id, values[0]);
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
                            (frame ??= new HsmFrames.DataFrame((uint)Interlocked.Increment(ref messages))).Update(topic.Id, changed);
                        }
                    }

                    topic.Last = values;
                }
            }

            state.CountSocketRecords(frame?.Records ?? 0);
            return frame?.Done();
        }

        private DateTimeOffset Floor(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % Step.Ticks), TimeSpan.Zero);

        /// <summary>
        /// A scrip's 21 fields, an index's 6 or a depth topic's 30, in paise (precision 2, multiplier 1), from the trades up
        /// to <paramref name="at"/>: the last traded time and the feed time are the last trade's, so a
        /// closed market sends nothing.
        /// </summary>
        private int[] Values(Topic topic, DateTimeOffset at)
        {
            var symbol = topic.Symbol;
            var q = SyntheticQuote.At(state.Market, symbol, at);
            static int P(double price) => (int)Math.Round(price * 100, MidpointRounding.AwayFromZero);
            var time = (int)(q.LastTradeAt ?? SyntheticMarket.SessionStart(q.TradingDay)).ToUnixTimeSeconds();
            if (SymbolUniverse.IsIndex(symbol))
            {
                return [P(q.Last), P(q.PreviousClose), time, P(q.High), P(q.Low), P(q.Open)];
            }

            var tick = q.Last < 1 ? 0.01 : 0.05;
            if (topic.IsDepth)
            {
                // 30 values, the book REST's /data/depth reports at the same moment: 5 bid prices, 5 ask
                // prices, 5 bid sizes, 5 ask sizes, 5 bid order counts, 5 ask order counts.
                var book = new int[30];
                for (var level = 0; level < 5; level++)
                {
                    book[level] = P(Math.Round((q.Last - (level * tick)) * 100) / 100);
                    book[5 + level] = P(Math.Round((q.Last + tick + (level * tick)) * 100) / 100);
                    book[10 + level] = book[15 + level] = 100 * (level + 1);
                    book[20 + level] = book[25 + level] = level + 1;
                }

                return book;
            }

            // 32 bits on the wire: past 2^31 - 1 the value wraps, as FYERS' does (the client unwraps it).
            var volume = unchecked((int)(uint)(ulong)(q.Volume + Faults.VolumeOffset));
            var shown = (int)Math.Min(int.MaxValue, q.Volume);
            return
            [
                P(q.Last), volume, time, time, 100, 100, P(q.Last), P(q.Last + tick), 1, shown / 7, shown / 8,
                P(q.AveragePrice), 0, P(q.Low), P(q.High), P(Math.Max(q.High, q.PreviousClose * 1.2)), P(Math.Min(q.Low, q.PreviousClose * 0.8)),
                P(Math.Round(q.PreviousClose * 0.8 * 20) / 20), P(Math.Round(q.PreviousClose * 1.2 * 20) / 20), P(q.Open), P(q.PreviousClose),
            ];
        }

        /// <summary>A data frame, late or twice when those faults are on.</summary>
        private async Task SendDataAsync(byte[] frame, CancellationToken cancellationToken)
        {
            var copies = Faults.DuplicateFrames ? 2 : 1;
            if (Faults.LateBy is { } late && late > TimeSpan.Zero)
            {
                // Held, and sent by the update loop at its first step at or after the due time: one
                // clock, one order, so a test on a manual clock knows which step brings which frame.
                var due = state.Time.GetUtcNow() + late;
                lock (held)
                {
                    for (var i = 0; i < copies; i++)
                    {
                        held.Enqueue((due, frame));
                    }
                }

                return;
            }

            for (var i = 0; i < copies; i++)
            {
                await SendAsync(frame, cancellationToken);
            }
        }

        /// <summary>The held frames that are due by now, in the order they were made.</summary>
        private async Task SendHeldAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                byte[] frame;
                lock (held)
                {
                    if (held.Count == 0 || held.Peek().Due > state.Time.GetUtcNow())
                    {
                        return;
                    }

                    frame = held.Dequeue().Frame;
                }

                await SendAsync(frame, cancellationToken);
            }
        }

        private async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
        {
            await sending.WaitAsync(cancellationToken);
            try
            {
                if (socket.State == WebSocketState.Open && closing is null)
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

            public bool IsDepth { get; } = name.StartsWith("dp|", StringComparison.Ordinal);

            public int[] Last { get; set; } = [];

            /// <summary>The market moment of the last values sent: a catch-up never sends one older.</summary>
            public DateTimeOffset SentAt { get; set; }
        }
    }
}
