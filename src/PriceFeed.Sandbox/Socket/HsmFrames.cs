using System.Buffers.Binary;
using System.Text;

namespace PriceFeed.Sandbox.Socket;

/// <summary>
/// The frames FYERS' data socket sends (fyers-protocol.md §16), written as the reference records
/// them: control replies with a 'K'/'N' status field, the auth reply with its ack count, and data
/// frames of snapshot, update and lite records. The sandbox's half of the protocol; PriceFeed's
/// client decodes them with <c>HsmDecoder</c>.
/// </summary>
public static class HsmFrames
{
    /// <summary>The wire's "no value / unchanged" marker.</summary>
    public const int Unchanged = int.MinValue;

    /// <summary>
    /// A control reply: type, one status field ('K' or 'N'). The auth reply adds the ack count
    /// (field 2, 2 bytes) and, when given, the master data (field 3, JSON; <see cref="HsmMasterData"/>).
    /// </summary>
    public static byte[] Reply(byte type, bool accepted, ushort? ackEvery = null, ReadOnlySpan<byte> masterData = default)
    {
        var withMaster = ackEvery is not null && !masterData.IsEmpty;
        var size = 4 + 4 + (ackEvery is null ? 0 : 5) + (withMaster ? 3 + masterData.Length : 0);
        if (size - 2 > ushort.MaxValue)
        {
            throw new ArgumentException($"A frame holds at most {ushort.MaxValue} bytes after its length; this one would need {size - 2}.", nameof(masterData));
        }

        var frame = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(size - 2));
        frame[2] = type;
        frame[3] = (byte)(ackEvery is null ? 1 : withMaster ? 3 : 2);
        frame[4] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(5), 1);
        frame[7] = accepted ? (byte)'K' : (byte)'N';
        if (ackEvery is { } every)
        {
            frame[8] = 2;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(9), 2);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(11), every);
        }

        if (withMaster)
        {
            frame[13] = 3;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), (ushort)masterData.Length);
            masterData.CopyTo(frame.AsSpan(16));
        }

        return frame;
    }

    /// <summary>A data frame being written: records are appended, then <see cref="Done"/> fills in the counts.</summary>
    public sealed class DataFrame(uint messageNumber)
    {
        private readonly Bytes bytes = new([0, 0, 6, .. BigEndian32(messageNumber), 0, 0]);
        private int records;

        public int Records => records;

        public DataFrame Snapshot(ushort topicId, string topic, ReadOnlySpan<int> values, ushort multiplier, byte precision, string exchange, string token, string symbol)
        {
            bytes.Add((byte)'S');
            bytes.AddRange(BigEndian16(topicId));
            Text(topic);
            bytes.Add((byte)values.Length);
            foreach (var v in values)
            {
                bytes.AddRange(BigEndian32((uint)v));
            }

            bytes.AddRange([0, 0]); // two bytes no source explains; FYERS sends them, so does the sandbox
            bytes.AddRange(BigEndian16(multiplier));
            bytes.Add(precision);
            Text(exchange);
            Text(token);
            Text(symbol);
            records++;
            return this;
        }

        public DataFrame Update(ushort topicId, ReadOnlySpan<int> values)
        {
            bytes.Add((byte)'U');
            bytes.AddRange(BigEndian16(topicId));
            bytes.Add((byte)values.Length);
            foreach (var v in values)
            {
                bytes.AddRange(BigEndian32((uint)v));
            }

            records++;
            return this;
        }

        public DataFrame Lite(ushort topicId, int ltp)
        {
            bytes.Add((byte)'L');
            bytes.AddRange(BigEndian16(topicId));
            bytes.AddRange(BigEndian32((uint)ltp));
            records++;
            return this;
        }

        public byte[] Done()
        {
            var frame = bytes.WrittenSpan.ToArray();
            BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)Math.Min(ushort.MaxValue, frame.Length - 2));
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(7), (ushort)records);
            return frame;
        }

        private void Text(string value)
        {
            var ascii = Encoding.ASCII.GetBytes(value);
            bytes.Add((byte)ascii.Length);
            bytes.AddRange(ascii);
        }

        /// <summary>An append-only byte buffer: a soak writes thousands of records a second.</summary>
        private sealed class Bytes
        {
            private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new(256);

            public Bytes(ReadOnlySpan<byte> start) => AddRange(start);

            public ReadOnlySpan<byte> WrittenSpan => buffer.WrittenSpan;

            public void Add(byte value) => AddRange([value]);

            public void AddRange(ReadOnlySpan<byte> values) => System.Buffers.BuffersExtensions.Write(buffer, values);
        }

        private static byte[] BigEndian16(ushort value) => [(byte)(value >> 8), (byte)value];

        private static byte[] BigEndian32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
    }
}
