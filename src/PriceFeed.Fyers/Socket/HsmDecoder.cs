using System.Buffers.Binary;
using System.Text;

namespace PriceFeed.Fyers.Socket;

/// <summary>What a topic carries: a stock or other scrip ("sf"), an index ("if") or market depth ("dp").</summary>
public enum HsmTopicKind
{
    Scrip,
    Index,
    Depth,
}

/// <summary>A server control frame's answer: 'K' taken, 'N' refused.</summary>
public readonly record struct HsmReply(HsmFrameType Type, bool Accepted, int AckEvery);

/// <summary>
/// One record of a data frame, decoded against its topic's state: the topic, which fields this record
/// changed, and every field's current value, prices scaled by the topic's divisor. A view over the
/// decoder's state, valid until the next record: copy what you keep.
/// </summary>
public readonly ref struct HsmRecord
{
    private readonly HsmDecoder.TopicState state;

    internal HsmRecord(HsmDecoder.TopicState state, char type, ulong changed)
    {
        this.state = state;
        Type = type;
        Changed = changed;
    }

    /// <summary>'S' snapshot, 'U' update, 'L' lite (last price only).</summary>
    public char Type { get; }

    /// <summary>Bit i set when field i changed in this record.</summary>
    public ulong Changed { get; }

    public string Topic => state.Topic;

    public HsmTopicKind Kind => state.Kind;

    /// <summary>The field count the topic's snapshot carried.</summary>
    public int FieldCount => state.Count;

    /// <summary>A field's raw value; null while the feed has sent none.</summary>
    public int? Raw(int field) => field < state.Count && state.Has[field] ? state.Values[field] : null;

    /// <summary>A price field scaled by the topic's divisor (10^precision × multiplier); null while unknown.</summary>
    public decimal? Price(int field) => Raw(field) is { } raw ? raw / (decimal)state.Divisor : null;

    /// <summary>The day's traded volume so far (scrips), unwrapped past 2^31 - 1; null while unknown.</summary>
    public long? DayVolume => state.Kind == HsmTopicKind.Scrip && state.Has.Length > HsmFields.Volume && state.Has[HsmFields.Volume] ? state.VolumeUnwrapped : null;

    /// <summary>
    /// When the exchange says the last trade happened (scrips: last traded time; indices: the feed
    /// time), in whole seconds; null while unknown. Bars are built on this time, not on arrival.
    /// </summary>
    public DateTimeOffset? TradedAt => Raw(state.Kind == HsmTopicKind.Index ? HsmFields.IndexFeedTime : HsmFields.LastTradedTime) is { } seconds and > 0
        ? DateTimeOffset.FromUnixTimeSeconds((uint)seconds)
        : null;

    /// <summary>
    /// True when this record reports a trade: the last price, the day volume or the trade's time moved
    /// (bid and ask changes are not trades). A trade at the last price is a trade too: it opens a new
    /// minute's bar at that price.
    /// </summary>
    public bool IsTrade => (Changed & (state.Kind == HsmTopicKind.Index ? IndexTradeFields : ScripTradeFields)) != 0;

    private const ulong ScripTradeFields = (1UL << HsmFields.Ltp) | (1UL << HsmFields.Volume) | (1UL << HsmFields.LastTradedTime);
    private const ulong IndexTradeFields = (1UL << HsmFields.IndexLtp) | (1UL << HsmFields.IndexFeedTime);

    /// <summary>True when the snapshot's divisor was implausible and 100 is used instead (counted in <see cref="HsmDecoder.DivisorFallbacks"/>).</summary>
    public bool DivisorGuessed => state.DivisorGuessed;
}

/// <summary>Positions of the fields (fyers-protocol.md §16), as the SDKs' map.json numbers them.</summary>
public static class HsmFields
{
    // Scrips ("sf"), 21 positions.
    public const int Ltp = 0;
    public const int Volume = 1;
    public const int LastTradedTime = 2;
    public const int ExchangeFeedTime = 3;
    public const int BidSize = 4;
    public const int AskSize = 5;
    public const int BidPrice = 6;
    public const int AskPrice = 7;
    public const int LastTradedQty = 8;
    public const int TotalBuyQty = 9;
    public const int TotalSellQty = 10;
    public const int AverageTradePrice = 11;
    public const int OpenInterest = 12;
    public const int Low = 13;
    public const int High = 14;
    public const int YearHigh = 15;
    public const int YearLow = 16;
    public const int LowerCircuit = 17;
    public const int UpperCircuit = 18;
    public const int Open = 19;
    public const int PreviousClose = 20;

    // Indices ("if"), 6 positions.
    public const int IndexLtp = 0;
    public const int IndexPreviousClose = 1;
    public const int IndexFeedTime = 2;
    public const int IndexHigh = 3;
    public const int IndexLow = 4;
    public const int IndexOpen = 5;

    // Depth ("dp"), 30 positions: each group holds levels 1-5, best first.
    public const int DepthBidPrice = 0;
    public const int DepthAskPrice = 5;
    public const int DepthBidSize = 10;
    public const int DepthAskSize = 15;
    public const int DepthBidOrders = 20;
    public const int DepthAskOrders = 25;
}

/// <summary>
/// Decodes the server's frames of FYERS' data socket (fyers-protocol.md §16) straight from the bytes:
/// control replies, and data frames of snapshots ('S'), updates ('U', where -2147483648 means
/// "unchanged") and lite records ('L'). State is kept per topic id, and topic ids belong to one
/// connection: <see cref="Reset"/> on every reconnect. Decoding a record allocates nothing; a topic's
/// first snapshot allocates its state once. Hand-written because the protocol is FYERS' own.
/// </summary>
public sealed class HsmDecoder
{
    /// <summary>The wire's "no value / unchanged" marker.</summary>
    public const int Unchanged = int.MinValue;

    private readonly Dictionary<ushort, TopicState> topics = [];

    /// <summary>Called for each record of a data frame.</summary>
    public delegate void RecordHandler(in HsmRecord record);

    /// <summary>Updates or lite records for a topic id no snapshot has named (on this connection): skipped.</summary>
    public long UnknownTopicRecords { get; private set; }

    /// <summary>Snapshots whose divisor was implausible (not a power of ten up to 10^6): 100 was used.</summary>
    public long DivisorFallbacks { get; private set; }

    /// <summary>Topics named by snapshots on this connection.</summary>
    public int TopicCount => topics.Count;

    /// <summary>Forgets every topic id: a new connection numbers topics anew.</summary>
    public void Reset() => topics.Clear();

    /// <summary>The type of a server frame (byte 2), or null for one too short to have one.</summary>
    public static HsmFrameType? TypeOf(ReadOnlySpan<byte> frame) => frame.Length >= 3 ? (HsmFrameType)frame[2] : null;

    /// <summary>
    /// A control reply (auth, subscribe, unsubscribe, mode, pause, resume): field 1 is the status
    /// byte; the auth reply's field 2 is how many data frames to acknowledge at a time. Read by the
    /// field lengths, never by the length prefix, which the server does not keep consistent.
    /// </summary>
    public static HsmReply ReadReply(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4)
        {
            throw new FormatException($"A control frame has at least 4 bytes; this one has {frame.Length}.");
        }

        var type = (HsmFrameType)frame[2];
        var fields = frame[3];
        var position = 4;
        var accepted = false;
        var ackEvery = 0;
        for (var f = 0; f < fields && position + 3 <= frame.Length; f++)
        {
            var id = frame[position];
            var length = BinaryPrimitives.ReadUInt16BigEndian(frame[(position + 1)..]);
            var value = frame.Slice(position + 3, Math.Min(length, frame.Length - position - 3));
            if (id == 1 && value.Length >= 1)
            {
                accepted = value[0] == (byte)'K';
            }
            else if (id == 2 && type == HsmFrameType.Auth)
            {
                foreach (var b in value)
                {
                    ackEvery = (ackEvery << 8) | b;
                }
            }

            position += 3 + length;
        }

        return new HsmReply(type, accepted, ackEvery);
    }

    /// <summary>Decodes a data frame (type 6); returns its message number. Records of unknown topics are skipped and counted.</summary>
    public uint ReadData(ReadOnlySpan<byte> frame, RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (frame.Length < 9 || frame[2] != (byte)HsmFrameType.DataFeed)
        {
            throw new FormatException("Not a data frame: it starts [u16 length][0x06][u32 message][u16 records].");
        }

        var message = BinaryPrimitives.ReadUInt32BigEndian(frame[3..]);
        var records = BinaryPrimitives.ReadUInt16BigEndian(frame[7..]);
        var p = 9;
        for (var r = 0; r < records; r++)
        {
            Need(frame, p, 3);
            var type = frame[p];
            var id = BinaryPrimitives.ReadUInt16BigEndian(frame[(p + 1)..]);
            p += 3;
            switch (type)
            {
                case (byte)'S':
                    p = Snapshot(frame, p, id, handler);
                    break;
                case (byte)'U':
                {
                    Need(frame, p, 1);
                    int count = frame[p++];
                    Need(frame, p, count * 4);
                    if (!topics.TryGetValue(id, out var state))
                    {
                        UnknownTopicRecords++;
                        p += count * 4;
                        break;
                    }

                    var changed = 0UL;
                    for (var i = 0; i < count; i++, p += 4)
                    {
                        var value = BinaryPrimitives.ReadInt32BigEndian(frame[p..]);
                        if (value != Unchanged && i < state.Count && state.Set(i, value))
                        {
                            changed |= 1UL << i;
                        }
                    }

                    handler(new HsmRecord(state, 'U', changed));
                    break;
                }

                case (byte)'L':
                {
                    Need(frame, p, 4);
                    var value = BinaryPrimitives.ReadInt32BigEndian(frame[p..]);
                    p += 4;
                    if (!topics.TryGetValue(id, out var state))
                    {
                        UnknownTopicRecords++;
                        break;
                    }

                    var changed = value != Unchanged && state.Set(0, value) ? 1UL : 0UL;
                    handler(new HsmRecord(state, 'L', changed));
                    break;
                }

                default:
                    throw new FormatException($"Unknown record type 0x{type:x2} at byte {p - 3} of a data frame.");
            }
        }

        return message;
    }

    private int Snapshot(ReadOnlySpan<byte> frame, int p, ushort id, RecordHandler handler)
    {
        Need(frame, p, 1);
        var nameLength = frame[p++];
        Need(frame, p, nameLength + 1);
        var name = frame.Slice(p, nameLength);
        p += nameLength;
        int count = frame[p++];
        Need(frame, p, (count * 4) + 2 + 3);
        if (!topics.TryGetValue(id, out var state) || !name.SequenceEqual(state.NameBytes) || state.Count != count)
        {
            state = new TopicState(Encoding.ASCII.GetString(name), name.ToArray(), count);
            topics[id] = state;
        }

        var changed = 0UL;
        for (var i = 0; i < count; i++, p += 4)
        {
            var value = BinaryPrimitives.ReadInt32BigEndian(frame[p..]);
            if (value == Unchanged)
            {
                state.Clear(i);
            }
            else if (state.Set(i, value))
            {
                changed |= 1UL << i;
            }
        }

        p += 2; // two bytes no source explains (fyers-protocol.md §16)
        var multiplier = BinaryPrimitives.ReadUInt16BigEndian(frame[p..]);
        var precision = frame[p + 2];
        p += 3;
        if (!state.SetDivisor(multiplier, precision))
        {
            DivisorFallbacks++;
        }

        // The exchange, its token and the trading symbol: three short strings, skipped.
        for (var s = 0; s < 3; s++)
        {
            Need(frame, p, 1);
            var length = frame[p++];
            Need(frame, p, length);
            p += length;
        }

        handler(new HsmRecord(state, 'S', changed));
        return p;
    }

    private static void Need(ReadOnlySpan<byte> frame, int position, int bytes)
    {
        if (position + bytes > frame.Length)
        {
            throw new FormatException($"A data frame ends at byte {frame.Length}, inside a record that needs bytes up to {position + bytes}.");
        }
    }

    /// <summary>One topic's state on one connection: the last value of each field, and its divisor.</summary>
    internal sealed class TopicState
    {
        private const long TwoToThe32 = 1L << 32;
        private long volumeEpochs;
        private int? lastVolume;

        public TopicState(string topic, byte[] nameBytes, int count)
        {
            Topic = topic;
            NameBytes = nameBytes;
            Count = count;
            Values = new int[count];
            Has = new bool[count];
            Kind = topic.StartsWith("if|", StringComparison.Ordinal) ? HsmTopicKind.Index
                : topic.StartsWith("dp|", StringComparison.Ordinal) ? HsmTopicKind.Depth
                : HsmTopicKind.Scrip;
        }

        public string Topic { get; }

        public byte[] NameBytes { get; }

        public HsmTopicKind Kind { get; }

        public int Count { get; }

        public int[] Values { get; }

        public bool[] Has { get; }

        public long Divisor { get; private set; } = 100;

        public bool DivisorGuessed { get; private set; }

        /// <summary>
        /// The day volume as a 64-bit count. The wire's field is a signed 32-bit value; past 2^31 - 1
        /// it turns negative and past 2^32 - 1 it starts again from zero (FYERS' handling is
        /// unconfirmed): a cumulative count only grows, so a fall of more than 2^31 is a wrap.
        /// </summary>
        public long VolumeUnwrapped => volumeEpochs + (uint)Values[HsmFields.Volume];

        /// <summary>Stores a value; false when it is the one already held.</summary>
        public bool Set(int field, int value)
        {
            if (Has[field] && Values[field] == value)
            {
                return false;
            }

            if (field == HsmFields.Volume && Kind == HsmTopicKind.Scrip)
            {
                if (lastVolume is { } previous && (uint)value < (uint)previous && (uint)previous - (uint)value > int.MaxValue)
                {
                    volumeEpochs += TwoToThe32;
                }

                lastVolume = value;
            }

            Values[field] = value;
            Has[field] = true;
            return true;
        }

        public void Clear(int field) => Has[field] = false;

        /// <summary>10^precision × multiplier when that is a power of ten up to 10^6; otherwise 100, and false.</summary>
        public bool SetDivisor(ushort multiplier, byte precision)
        {
            long divisor = multiplier;
            for (var i = 0; i < precision && divisor <= 1_000_000; i++)
            {
                divisor *= 10;
            }

            var plausible = divisor is 1 or 10 or 100 or 1_000 or 10_000 or 100_000 or 1_000_000;
            Divisor = plausible ? divisor : 100;
            DivisorGuessed = !plausible;
            return plausible;
        }
    }
}
