using PriceFeed.Fyers.Socket;
using PriceFeed.Fyers.Tests.Support;
using PriceFeed.Sandbox.Socket;

namespace PriceFeed.Fyers.Tests.Socket;

/// <summary>
/// Issue 21, the wire: the frames the client sends, byte for byte as docs/fyers-protocol.md §16 records
/// them, and the server's frames (written by the sandbox) decoded into records.
/// </summary>
public sealed class HsmProtocolTests
{
    private static readonly int[] SbinSnapshot =
    [
        60640, 3045212, 1690953622, 1690953622, 2081, 903, 60640, 60645, 5, 749960, 1092063,
        60820, 1234, 60585, 61050, 62900, 49900, 55820, 68220, 60985, 62020,
    ];

    [Fact]
    public void Ping_IsThreeBytes() => Assert.Equal([0x00, 0x01, 0x0B], HsmRequests.Ping.ToArray());

    [Fact]
    public void Mode_FullOnChannel11_IsTheSdksFrame_WithItsRealLength() =>
        Assert.Equal(
            Convert.FromHexString("00110C02" + "010008" + "0000000000000800" + "020001" + "46"),
            HsmRequests.Mode(full: true));

    [Fact]
    public void Auth_CarriesTheHsmKeyModePAndTheSource()
    {
        var frame = HsmRequests.Auth("abc", "PriceFeed");

        Assert.Equal(18 + 3 + 9, frame.Length);
        Assert.Equal(Convert.FromHexString("001C0104" + "010003" + "616263" + "020001" + "50" + "030001" + "01" + "040009"), frame[..21]);
        Assert.Equal("PriceFeed"u8.ToArray(), frame[21..]);
    }

    [Fact]
    public void Subscribe_ListsTheTopicsWithACount_ThenTheChannel()
    {
        var frame = HsmRequests.Subscribe(["sf|nse_cm|3045", "if|nse_cm|Nifty 50"]);

        var blob = Convert.FromHexString("0002" + "0E") is var head ? head.Concat("sf|nse_cm|3045"u8.ToArray()).Append((byte)18).Concat("if|nse_cm|Nifty 50"u8.ToArray()).ToArray() : [];
        Assert.Equal((byte)HsmFrameType.Subscribe, frame[2]);
        Assert.Equal(frame.Length - 2, (frame[0] << 8) | frame[1]);
        Assert.Equal(blob, frame[7..(7 + blob.Length)]);
        Assert.Equal(Convert.FromHexString("020001" + "0B"), frame[^4..]);
        Assert.Throws<ArgumentOutOfRangeException>(() => HsmRequests.Subscribe([.. Enumerable.Range(0, 1501).Select(i => $"sf|nse_cm|{i}")]));
    }

    [Fact]
    public void Ack_IsElevenBytes() =>
        Assert.Equal(Convert.FromHexString("0009030101000400000123"), HsmRequests.Ack(0x123));

    /// <summary>The start of a real auth reply (fyers-protocol.md §16): 'K', an ack count of 2, then ~26 KB of master data the frame here cuts short.</summary>
    [Fact]
    public void AuthReply_RealCapture_IsAcceptedWithAckCount2()
    {
        var reply = HsmDecoder.ReadReply(Convert.FromHexString("663E0103" + "0100014B" + "0200020002" + "0366307B22"));

        Assert.Equal(new HsmReply(HsmFrameType.Auth, true, 2), reply);
        Assert.False(HsmDecoder.ReadReply(HsmFrames.Reply(1, accepted: false, ackEvery: 2)).Accepted);
        Assert.True(HsmDecoder.ReadReply(HsmFrames.Reply(4, accepted: true)).Accepted);
    }

    [Fact]
    public void SandboxAuthReply_CarriesMasterData_InThePublishedFieldOrder()
    {
        var frame = HsmFrames.Reply(1, accepted: true, ackEvery: 2, HsmMasterData.Utf8);

        // Laid out as the capture: length, type 1, 3 fields, 'K', ack count 2, then field 3 the JSON.
        Assert.Equal("0103" + "0100014B" + "0200020002" + "03", Convert.ToHexString(frame, 2, 12));
        Assert.Equal(frame.Length - 2, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame));
        Assert.Equal(new HsmReply(HsmFrameType.Auth, true, 2), HsmDecoder.ReadReply(frame));
        var json = System.Text.Json.JsonDocument.Parse(frame.AsMemory(16, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)))).RootElement;

        // Each list names fields the table defines, in the order HsmFields reads the wire.
        var fld = json.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("fid").GetString()!, f => f.GetProperty("fld").GetString());
        string[] Names(string list) => json.GetProperty(list).EnumerateArray().Select(id => fld[id.GetString()!]!).ToArray();
        var scrip = Names("scrip");
        Assert.Equal(21, scrip.Length);
        Assert.Equal(
            [(HsmFields.Ltp, "ltp"), (HsmFields.Volume, "v"), (HsmFields.LastTradedTime, "ltt"), (HsmFields.ExchangeFeedTime, "fdtm"), (HsmFields.BidSize, "bq"), (HsmFields.AskSize, "bs"),
             (HsmFields.BidPrice, "bp"), (HsmFields.AskPrice, "sp"), (HsmFields.LastTradedQty, "ltq"), (HsmFields.TotalBuyQty, "tbq"), (HsmFields.TotalSellQty, "tsq"),
             (HsmFields.AverageTradePrice, "ap"), (HsmFields.OpenInterest, "oi"), (HsmFields.Low, "lo"), (HsmFields.High, "h"), (HsmFields.YearHigh, "yh"), (HsmFields.YearLow, "yl"),
             (HsmFields.LowerCircuit, "lcl"), (HsmFields.UpperCircuit, "ucl"), (HsmFields.Open, "op"), (HsmFields.PreviousClose, "c")],
            scrip.Select((name, i) => (i, name)));
        Assert.Equal(["iv", "ic", "tvalue", "highPrice", "lowPrice", "openingPrice"], Names("index"));
        Assert.Equal(30, Names("depth").Length);
        Assert.Equal(1, json.GetProperty("scrip_lite").GetProperty("hfid").GetInt32());

        // A refusal carries no master data.
        Assert.Equal(2, HsmFrames.Reply(1, accepted: false, ackEvery: 2)[3]);
    }

    [Fact]
    public void Snapshot_ThenUpdates_ScalePricesKeepOpenInterestAndSkipUnchanged()
    {
        var decoder = new HsmDecoder();
        var seen = new List<(char Type, ulong Changed, decimal? Ltp, int? Oi, decimal? UpperCircuit, long? Volume)>();
        void Keep(in HsmRecord r) => seen.Add((r.Type, r.Changed, r.Price(HsmFields.Ltp), r.Raw(HsmFields.OpenInterest), r.Price(HsmFields.UpperCircuit), r.DayVolume));
        var update = Enumerable.Repeat(HsmFrames.Unchanged, 21).ToArray();
        update[HsmFields.Ltp] = 60655;
        update[HsmFields.Volume] = 3045300;

        var first = new HsmFrames.DataFrame(7).Snapshot(1, "sf|nse_cm|3045", SbinSnapshot, 1, 2, "NSE", "3045", "SBIN-EQ").Done();
        var second = new HsmFrames.DataFrame(8).Update(1, update).Lite(1, 60660).Lite(1, 60660).Done();
        Assert.Equal(7u, decoder.ReadData(first, Keep));
        Assert.Equal(8u, decoder.ReadData(second, Keep));

        Assert.Equal(('S', (1UL << 21) - 1, 606.40m, 1234, 682.20m, 3045212L), seen[0]);
        Assert.Equal(('U', 0b11UL, 606.55m, 1234, 682.20m, 3045300L), seen[1]);
        Assert.Equal(('L', 1UL, 606.60m, 1234, 682.20m, 3045300L), seen[2]);
        Assert.Equal(0UL, seen[3].Changed); // the same price again: a record, but nothing changed
    }

    [Fact]
    public void IndexSnapshot_HasSixFields_AndAnImplausibleDivisorFallsBackTo100()
    {
        var decoder = new HsmDecoder();
        decimal? ltp = null;
        var guessed = false;
        HsmTopicKind? kind = null;

        decoder.ReadData(new HsmFrames.DataFrame(1).Snapshot(9, "if|nse_cm|Nifty 50", [2618810, 2621605, 1727428424, 2627735, 2616695, 2624825], 28, 0, "NSE", "26000", "NIFTY50-INDEX").Done(), (in HsmRecord r) =>
        {
            (ltp, guessed, kind) = (r.Price(HsmFields.IndexLtp), r.DivisorGuessed, r.Kind);
        });

        Assert.Equal((26188.10m, true, HsmTopicKind.Index), (ltp, guessed, kind));
        Assert.Equal(1, decoder.DivisorFallbacks);
    }

    [Fact]
    public void UpdatesForATopicNoSnapshotNamed_AreSkippedAndCounted_AndAResetForgetsTopics()
    {
        var decoder = new HsmDecoder();
        var records = 0;
        void Count(in HsmRecord r) => records++;

        decoder.ReadData(new HsmFrames.DataFrame(1).Update(5, [1, 2, 3]).Lite(6, 100).Snapshot(1, "sf|nse_cm|3045", SbinSnapshot, 1, 2, "NSE", "3045", "SBIN-EQ").Done(), Count);
        decoder.Reset();
        decoder.ReadData(new HsmFrames.DataFrame(2).Lite(1, 60700).Done(), Count);

        Assert.Equal(1, records);
        Assert.Equal(3, decoder.UnknownTopicRecords);
        Assert.Equal(0, decoder.TopicCount);
    }

    /// <summary>The day volume is a signed 32-bit field: past 2^31 - 1 it turns negative, past 2^32 - 1 it starts again; the client keeps counting.</summary>
    [Fact]
    public void DayVolume_PastInt32_IsUnwrapped()
    {
        var decoder = new HsmDecoder();
        var volumes = new List<long?>();
        var snapshot = (int[])SbinSnapshot.Clone();
        snapshot[HsmFields.Volume] = int.MaxValue - 10;
        int[] Vol(long v)
        {
            var u = Enumerable.Repeat(HsmFrames.Unchanged, 21).ToArray();
            u[HsmFields.Volume] = unchecked((int)(uint)(v % (1L << 32)));
            return u;
        }

        decoder.ReadData(new HsmFrames.DataFrame(1)
            .Snapshot(1, "sf|nse_cm|3045", snapshot, 1, 2, "NSE", "3045", "SBIN-EQ")
            .Update(1, Vol(int.MaxValue + 5L))
            .Update(1, Vol((1L << 32) - 100))
            .Update(1, Vol((1L << 32) + 7))
            .Done(), (in HsmRecord r) => volumes.Add(r.DayVolume));

        Assert.Equal([int.MaxValue - 10L, int.MaxValue + 5L, (1L << 32) - 100, (1L << 32) + 7], volumes);
    }

    [Fact]
    public void DecodingUpdates_AllocatesNothingPerRecord()
    {
        var decoder = new HsmDecoder();
        var frame = new HsmFrames.DataFrame(1);
        for (ushort t = 0; t < 100; t++)
        {
            frame.Snapshot(t, $"sf|nse_cm|{3000 + t}", SbinSnapshot, 1, 2, "NSE", $"{3000 + t}", "X-EQ");
        }

        decoder.ReadData(frame.Done(), static (in HsmRecord _) => { });
        var updates = new HsmFrames.DataFrame(2);
        for (var i = 0; i < 2000; i++)
        {
            var u = Enumerable.Repeat(HsmFrames.Unchanged, 21).ToArray();
            u[HsmFields.Ltp] = 60000 + i;
            updates.Update((ushort)(i % 100), u);
            if (i % 3 == 0)
            {
                updates.Lite((ushort)(i % 100), 61000 + i);
            }
        }

        var bytes = updates.Done();
        decimal sum = 0;
        HsmDecoder.RecordHandler handler = (in HsmRecord r) => sum += r.Price(HsmFields.Ltp) ?? 0;
        decoder.ReadData(bytes, handler); // first pass: JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        decoder.ReadData(bytes, handler);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"{allocated} bytes allocated for {2000 + 667} records");
        Assert.True(sum > 0);
    }

    [Theory]
    [InlineData("0009060000000100")] // too short for the record count
    [InlineData("000F06000000010001550001")] // an update whose values run past the end
    [InlineData("000F0600000001000158000100")] // an unknown record type
    public void BrokenDataFrames_AreFormatErrors(string hex) =>
        Assert.Throws<FormatException>(() => new HsmDecoder().ReadData(Convert.FromHexString(hex), static (in HsmRecord _) => { }));
}

/// <summary>Issue 21: from the watchlist to the socket's topics, through symbol-token against the sandbox.</summary>
public sealed class HsmTopicTests
{
    [Theory]
    [InlineData("NSE:SBIN-EQ", "10100000003045", false, "sf|nse_cm|3045")]
    [InlineData("NSE:SBIN-EQ", "10100000003045", true, "dp|nse_cm|3045")]
    [InlineData("NSE:NIFTY50-INDEX", "101000000026000", false, "if|nse_cm|Nifty 50")]
    [InlineData("NSE:NIFTYBANK-INDEX", "101000000026009", false, "if|nse_cm|Nifty Bank")]
    [InlineData("NSE:NIFTYIT-INDEX", "101000000026008", false, "if|nse_cm|NIFTYIT")]
    [InlineData("BSE:SENSEX-INDEX", "121000000001", false, "if|bse_cm|SENSEX")]
    [InlineData("NSE:NIFTY50-INDEX", "101000000026000", true, null)]
    [InlineData("XYZ:ABC-EQ", "99990000001234", false, null)]
    public void Topic_IsTheOneTheSdksBuild(string symbol, string fyToken, bool depth, string? topic) =>
        Assert.Equal(topic, HsmTopics.For(symbol, fyToken, depth));

    [Fact]
    public async Task SymbolTokens_FromTheSandbox_NameTopics_AndUnknownSymbolsComeBackApart()
    {
        await using var server = await PriceFeed.Fyers.Tests.Support.SandboxServer.StartAsync();
        using var client = server.CreateClient();
        var credentials = await client.LogInAsync();

        var tokens = await client.Data.GetSymbolTokensAsync(["NSE:SBIN-EQ", "NSE:NIFTY50-INDEX", "NSE:NOPE-EQ"], credentials, TestContext.Current.CancellationToken);

        Assert.Equal(["NSE:NOPE-EQ"], tokens.Invalid);
        Assert.Equal("sf|nse_cm|3045", HsmTopics.For("NSE:SBIN-EQ", tokens.Valid["NSE:SBIN-EQ"]));
        Assert.StartsWith("if|nse_cm|", HsmTopics.For("NSE:NIFTY50-INDEX", tokens.Valid["NSE:NIFTY50-INDEX"]), StringComparison.Ordinal);
    }
}

/// <summary>Issue 21: the sandbox speaks the data socket, and what it streams agrees with its REST quotes.</summary>
public sealed class SandboxSocketTests
{
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<byte[]> ReceiveAsync(System.Net.WebSockets.ClientWebSocket socket)
    {
        var buffer = new byte[256 * 1024];
        var length = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the socket: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer[..length];
            }
        }
    }

    private static async Task<(PriceFeed.Fyers.Tests.Support.SandboxServer Server, PriceFeed.Fyers.Tests.Support.FyersTestClient Client, PriceFeed.Fyers.Auth.FyersCredentials Credentials, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock)> StartAsync()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FridayMidSession);
        var server = await PriceFeed.Fyers.Tests.Support.SandboxServer.StartAsync(time: clock);
        var client = server.CreateClient(clientTime: new PriceFeed.Testing.JumpableClock(FridayMidSession));
        return (server, client, await client.LogInAsync(), clock);
    }

    private static string HsmKey(string accessToken)
    {
        using var payload = PriceFeed.Fyers.Auth.Jwt.TryReadPayload(accessToken)!;
        return payload.RootElement.GetProperty("hsm_key").GetString()!;
    }

    private static async Task<System.Net.WebSockets.ClientWebSocket> ConnectAsync(PriceFeed.Fyers.Tests.Support.SandboxServer server)
    {
        var socket = new System.Net.WebSockets.ClientWebSocket();
        var uri = new UriBuilder(server.Origin) { Scheme = "ws", Path = PriceFeed.Fyers.Tests.Support.SandboxServer.Prefix + "/hsm/v1-5/prod" }.Uri;
        await socket.ConnectAsync(uri, Ct);
        return socket;
    }

    [Fact]
    public async Task Subscribe_SendsSnapshotsThatAgreeWithRestQuotes_ThenUpdatesAsTheMarketMoves()
    {
        var (server, client, credentials, clock) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        using var socket = await ConnectAsync(server);
        var decoder = new HsmDecoder();
        var prices = new Dictionary<string, decimal?>();
        void Keep(in HsmRecord r) => prices[r.Topic] = r.Price(0);

        await socket.SendAsync(HsmRequests.Auth(HsmKey(credentials.AccessToken)), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        var auth = HsmDecoder.ReadReply(await ReceiveAsync(socket));
        await socket.SendAsync(HsmRequests.Mode(full: true), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        var mode = HsmDecoder.ReadReply(await ReceiveAsync(socket));
        await socket.SendAsync(HsmRequests.Subscribe(["sf|nse_cm|3045", "if|nse_cm|Nifty 50"]), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        var subscribed = HsmDecoder.ReadReply(await ReceiveAsync(socket));
        decoder.ReadData(await ReceiveAsync(socket), Keep);
        var quotes = await client.Data.GetQuotesAsync(["NSE:SBIN-EQ", "NSE:NIFTY50-INDEX"], credentials, Ct);

        Assert.Equal((true, 2), (auth.Accepted, auth.AckEvery));
        Assert.True(mode.Accepted && subscribed.Accepted);
        Assert.Equal((decimal)quotes.Quotes.Single(q => q.Symbol == "NSE:SBIN-EQ").LastPrice, prices["sf|nse_cm|3045"]);
        Assert.Equal((decimal)quotes.Quotes.Single(q => q.Symbol == "NSE:NIFTY50-INDEX").LastPrice, prices["if|nse_cm|Nifty 50"]);

        // A minute later the market has moved. Both symbols trade every second, and the socket sends
        // every trade: 61 update frames, numbered one after another, the last one agreeing with REST.
        var before = prices["sf|nse_cm|3045"];
        clock.Advance(TimeSpan.FromSeconds(61));
        var numbers = new List<uint>();
        for (var i = 0; i < 61; i++)
        {
            numbers.Add(decoder.ReadData(await ReceiveAsync(socket), Keep));
        }

        var later = await client.Data.GetQuotesAsync(["NSE:SBIN-EQ"], credentials, Ct);

        Assert.Equal(Enumerable.Range((int)numbers[0], 61).Select(n => (uint)n), numbers);
        Assert.NotEqual(before, prices["sf|nse_cm|3045"]);
        Assert.Equal((decimal)later.Quotes.Single().LastPrice, prices["sf|nse_cm|3045"]);
    }

    [Fact]
    public async Task DepthTopic_SendsTheFiveLevelsRestDepthReports_AndAnIndexHasNone()
    {
        var (server, client, credentials, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        using var socket = await ConnectAsync(server);
        var decoder = new HsmDecoder();
        var levels = new List<(decimal? Bid, decimal? Ask, int? BidSize, int? AskSize, int? BidOrders, int? AskOrders)>();
        var kind = HsmTopicKind.Scrip;
        var count = 0;
        void Keep(in HsmRecord r)
        {
            (kind, count) = (r.Kind, r.FieldCount);
            for (var level = 0; level < 5; level++)
            {
                levels.Add((r.Price(HsmFields.DepthBidPrice + level), r.Price(HsmFields.DepthAskPrice + level), r.Raw(HsmFields.DepthBidSize + level),
                    r.Raw(HsmFields.DepthAskSize + level), r.Raw(HsmFields.DepthBidOrders + level), r.Raw(HsmFields.DepthAskOrders + level)));
            }
        }

        await socket.SendAsync(HsmRequests.Auth(HsmKey(credentials.AccessToken)), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        await ReceiveAsync(socket);
        await socket.SendAsync(HsmRequests.Mode(full: true), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        await ReceiveAsync(socket);
        await socket.SendAsync(HsmRequests.Subscribe(["dp|nse_cm|Nifty 50"]), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        var indexDepth = HsmDecoder.ReadReply(await ReceiveAsync(socket));
        await socket.SendAsync(HsmRequests.Subscribe(["dp|nse_cm|3045"]), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);
        var depth = HsmDecoder.ReadReply(await ReceiveAsync(socket));
        decoder.ReadData(await ReceiveAsync(socket), Keep);
        var rest = await client.Data.GetDepthAsync("NSE:SBIN-EQ", credentials, Ct);

        Assert.False(indexDepth.Accepted);
        Assert.True(depth.Accepted);
        Assert.Equal((HsmTopicKind.Depth, 30), (kind, count));
        Assert.Equal(
            rest.Bids.Zip(rest.Asks, (b, a) => ((decimal?)(decimal)b.Price, (decimal?)(decimal)a.Price, (int?)b.Volume, (int?)a.Volume, (int?)b.Orders, (int?)a.Orders)),
            levels);
    }

    [Fact]
    public async Task Auth_WithAKeyNoTokenCarries_IsRefusedWithN()
    {
        var (server, client, _, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        using var socket = await ConnectAsync(server);

        await socket.SendAsync(HsmRequests.Auth("0123456789abcdef"), System.Net.WebSockets.WebSocketMessageType.Binary, true, Ct);

        Assert.False(HsmDecoder.ReadReply(await ReceiveAsync(socket)).Accepted);
    }
}

/// <summary>Issue 21: the client's stream against the sandbox: ready only when subscribed, a drop survived, a dead login stopped without retrying.</summary>
public sealed class HsmStreamTests
{
    private static readonly DateTimeOffset FridayMidSession = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static readonly string[] Topics = ["sf|nse_cm|3045", "if|nse_cm|Nifty 50"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(PriceFeed.Fyers.Tests.Support.SandboxServer Server, PriceFeed.Fyers.Tests.Support.FyersTestClient Client, PriceFeed.Fyers.Auth.FyersCredentials Credentials, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock)> StartAsync(TimeProvider? clientTime = null)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FridayMidSession);
        var server = await PriceFeed.Fyers.Tests.Support.SandboxServer.StartAsync(time: clock);
        var client = server.CreateClient(clientTime: clientTime ?? new PriceFeed.Testing.JumpableClock(FridayMidSession));
        return (server, client, await client.LogInAsync(), clock);
    }

    [Fact]
    public async Task Stream_IsReadyOnceSubscribed_ThenUpdates_AndStopsWhenCancelled()
    {
        var (server, client, credentials, clock) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        var recorder = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, stop.Token);
        await recorder.WaitAsync(r => r.Events.Any(e => e.Kind == HsmStreamEventKind.Subscribed) && r.Records.Count(x => x.Type == 'S') == 2, "two snapshots");
        clock.Advance(TimeSpan.FromSeconds(61));
        await recorder.WaitAsync(r => r.Records.Any(x => x.Type == 'U'), "an update");
        await stop.CancelAsync();

        Assert.Equal(HsmStreamEnd.Stopped, await run);
        Assert.Equal(2, recorder.Events.Single(e => e.Kind == HsmStreamEventKind.Subscribed).Topics);
        Assert.Equal([HsmStreamEventKind.Connected, HsmStreamEventKind.Subscribed], recorder.Events.Select(e => e.Kind));
    }

    [Fact]
    public async Task ADroppedConnection_IsReopened_AndTheTopicsSubscribedAgain()
    {
        var (server, client, credentials, _) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        var recorder = new StreamRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, stop.Token);
        await recorder.WaitAsync(r => r.Records.Count(x => x.Type == 'S') == 2, "first snapshots");
        server.State.DropSockets();
        await recorder.WaitAsync(r => r.Events.Count(e => e.Kind == HsmStreamEventKind.Subscribed) == 2 && r.Records.Count(x => x.Type == 'S') == 4, "snapshots again after the drop");
        await stop.CancelAsync();
        await run;

        Assert.Equal(2, server.State.SocketsAccepted);
        Assert.Contains(recorder.Events, e => e.Kind == HsmStreamEventKind.Disconnected);
    }

    [Fact]
    public async Task ARevokedToken_IsAuthN_TheStreamEndsLoginNeeded_WithoutRetrying()
    {
        var (server, client, credentials, clock) = await StartAsync();
        await using var _ = server;
        using var __ = client;
        clock.Advance(TimeSpan.FromSeconds(1));
        server.State.RevokeAllTokens();
        var recorder = new StreamRecorder();

        var end = await client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, Ct);

        Assert.Equal(HsmStreamEnd.LoginNeeded, end);
        Assert.Equal(1, server.State.SocketsAccepted);
        Assert.Contains("auth 'N'", recorder.Events.Single(e => e.Kind == HsmStreamEventKind.LoginNeeded).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredToken_NeedsALogin_BeforeAnyConnection()
    {
        var clientClock = new PriceFeed.Testing.JumpableClock(FridayMidSession);
        var (server, client, credentials, _) = await StartAsync(clientClock);
        await using var _ = server;
        using var __ = client;
        clientClock.Advance(TimeSpan.FromHours(20)); // past 06:00 IST on Saturday
        var recorder = new StreamRecorder();

        var end = await client.Stream.RunAsync(credentials, Topics, full: true, recorder.Record, recorder.Event, Ct);

        Assert.Equal(HsmStreamEnd.LoginNeeded, end);
        Assert.Equal(0, server.State.SocketsAccepted);
        Assert.Contains("expired", recorder.Events.Single().Detail, StringComparison.Ordinal);
    }
}
