using System.Buffers.Binary;
using System.Text;

namespace PriceFeed.Fyers.Socket;

/// <summary>
/// The frames a client sends on FYERS' data socket (fyers-protocol.md §16): every integer big-endian,
/// a control frame is <c>[u16 length][u8 type][u8 fieldCount]</c> then fields
/// <c>[u8 id][u16 length][value]</c>, with <c>length</c> the frame's bytes less two. Built by hand
/// because the protocol is FYERS' own (no library speaks it); each builder writes the layout the
/// official SDKs write, with correct lengths where they write wrong ones.
/// </summary>
public static class HsmRequests
{
    /// <summary>The channel the SDKs use; the mode and the subscriptions name it.</summary>
    public const byte DefaultChannel = 11;

    /// <summary>Topics per subscribe frame, as the SDKs send them (5,000 per connection in all).</summary>
    public const int TopicsPerFrame = 1500;

    /// <summary>The 3-byte application ping the SDKs send every 10 s.</summary>
    public static ReadOnlySpan<byte> Ping => [0x00, 0x01, (byte)HsmFrameType.Ping];

    /// <summary>The first frame: the access token's <c>hsm_key</c> claim, mode 'P', and who is asking.</summary>
    public static byte[] Auth(string hsmKey, string source = "PriceFeed")
    {
        ArgumentException.ThrowIfNullOrEmpty(hsmKey);
        ArgumentException.ThrowIfNullOrEmpty(source);
        var key = Encoding.ASCII.GetBytes(hsmKey);
        var from = Encoding.ASCII.GetBytes(source);
        var frame = new Writer(18 + key.Length + from.Length, HsmFrameType.Auth, fields: 4);
        frame.Field(1, key);
        frame.Field(2, [(byte)'P']);
        frame.Field(3, [0x01]);
        frame.Field(4, from);
        return frame.Done();
    }

    /// <summary>Full mode ('F': every field) or lite ('L': last price only) for a channel.</summary>
    public static byte[] Mode(bool full, byte channel = DefaultChannel)
    {
        var mask = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(mask, 1UL << channel);
        var frame = new Writer(19, HsmFrameType.Mode, fields: 2);
        frame.Field(1, mask);
        frame.Field(2, [full ? (byte)'F' : (byte)'L']);
        return frame.Done();
    }

    /// <summary>Subscribes topics ("sf|nse_cm|3045", "if|nse_cm|Nifty 50") on a channel; at most <see cref="TopicsPerFrame"/>.</summary>
    public static byte[] Subscribe(IReadOnlyList<string> topics, byte channel = DefaultChannel) => Topics(HsmFrameType.Subscribe, topics, channel);

    public static byte[] Unsubscribe(IReadOnlyList<string> topics, byte channel = DefaultChannel) => Topics(HsmFrameType.Unsubscribe, topics, channel);

    /// <summary>Acknowledges data frames up to a message number (the server's ack count says how often).</summary>
    public static byte[] Ack(uint messageNumber)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, messageNumber);
        var frame = new Writer(11, HsmFrameType.Ack, fields: 1);
        frame.Field(1, value);
        return frame.Done();
    }

    private static byte[] Topics(HsmFrameType type, IReadOnlyList<string> topics, byte channel)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Count is 0 or > TopicsPerFrame)
        {
            throw new ArgumentOutOfRangeException(nameof(topics), topics.Count, $"A subscribe frame carries 1 to {TopicsPerFrame} topics.");
        }

        var blob = new List<byte>(2 + (topics.Count * 16)) { (byte)(topics.Count >> 8), (byte)topics.Count };
        foreach (var topic in topics)
        {
            var name = Encoding.ASCII.GetBytes(topic);
            if (name.Length is 0 or > 255)
            {
                throw new ArgumentException($"Topic '{topic}' is not 1 to 255 ASCII characters.", nameof(topics));
            }

            blob.Add((byte)name.Length);
            blob.AddRange(name);
        }

        var frame = new Writer(4 + 3 + blob.Count + 4, type, fields: 2);
        frame.Field(1, [.. blob]);
        frame.Field(2, [channel]);
        return frame.Done();
    }

    /// <summary>A control frame being written: the length prefix is filled in at the end.</summary>
    private sealed class Writer
    {
        private readonly byte[] buffer;
        private int position;

        public Writer(int size, HsmFrameType type, byte fields)
        {
            buffer = new byte[size];
            buffer[2] = (byte)type;
            buffer[3] = fields;
            position = 4;
        }

        public void Field(byte id, ReadOnlySpan<byte> value)
        {
            buffer[position] = id;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(position + 1), (ushort)value.Length);
            value.CopyTo(buffer.AsSpan(position + 3));
            position += 3 + value.Length;
        }

        public byte[] Done()
        {
            if (position != buffer.Length)
            {
                throw new InvalidOperationException($"Frame of {position} bytes where {buffer.Length} were planned.");
            }

            BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)(buffer.Length - 2));
            return buffer;
        }
    }
}

/// <summary>Frame types of the data socket (fyers-protocol.md §16).</summary>
public enum HsmFrameType : byte
{
    Auth = 1,
    Throttle = 2,
    Ack = 3,
    Subscribe = 4,
    Unsubscribe = 5,
    DataFeed = 6,
    Pause = 7,
    Resume = 8,
    Snapshot = 9,
    OptionChain = 10,
    Ping = 11,
    Mode = 12,
    MasterData = 13,
}
