using System.Buffers.Binary;
using System.Text;

namespace Equimodal.Reporting.TensorBoard;

/// <summary>
/// One TensorBoard Event of the kinds Equimodal writes: the file-version header, or scalars at one step. Encodes and
/// decodes the protobuf wire format of tensorflow's event.proto/summary.proto for these fields only: Event.wall_time (1,
/// double), step (2, int64), file_version (3, string), summary (5); Summary.value (1); Value.tag (1), simple_value (2, float).
/// </summary>
public sealed record TensorBoardEvent
{
    /// <summary>Seconds since 1970-01-01 UTC.</summary>
    public double WallTime { get; init; }

    /// <summary>The x-axis value of the scalars (Equimodal: the one-based epoch).</summary>
    public long Step { get; init; }

    /// <summary>Set on the first event of a file ("brain.Event:2"), otherwise null.</summary>
    public string? FileVersion { get; init; }

    /// <summary>Tag and value of each scalar, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, float>> Scalars { get; init; } = Array.Empty<KeyValuePair<string, float>>();

    /// <summary>The protobuf bytes of this event.</summary>
    public byte[] Encode()
    {
        var output = new MemoryStream();
        WriteKey(output, 1, WireFixed64);
        Span<byte> fixed64 = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(fixed64, WallTime);
        output.Write(fixed64);
        WriteKey(output, 2, WireVarint);
        WriteVarint(output, (ulong)Step);
        if (FileVersion is not null) WriteBytes(output, 3, Encoding.UTF8.GetBytes(FileVersion));
        if (Scalars.Count > 0)
        {
            var summary = new MemoryStream();
            Span<byte> fixed32 = stackalloc byte[4];
            foreach ((string tag, float value) in Scalars)
            {
                var entry = new MemoryStream();
                WriteBytes(entry, 1, Encoding.UTF8.GetBytes(tag));
                WriteKey(entry, 2, WireFixed32);
                BinaryPrimitives.WriteSingleLittleEndian(fixed32, value);
                entry.Write(fixed32);
                WriteBytes(summary, 1, entry.ToArray());
            }
            WriteBytes(output, 5, summary.ToArray());
        }
        return output.ToArray();
    }

    /// <summary>Decodes an event; fields other than those above are skipped.</summary>
    public static TensorBoardEvent Decode(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var scalars = new List<KeyValuePair<string, float>>();
        var reader = new ProtoReader(data);
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == WireFixed64) wallTime = BinaryPrimitives.ReadDoubleLittleEndian(reader.Fixed(8));
            else if (field == 2 && wire == WireVarint) step = (long)reader.Varint();
            else if (field == 3 && wire == WireLength) fileVersion = Encoding.UTF8.GetString(reader.Bytes());
            else if (field == 5 && wire == WireLength) DecodeSummary(reader.Bytes(), scalars);
            else reader.Skip(wire);
        }
        return new TensorBoardEvent { WallTime = wallTime, Step = step, FileVersion = fileVersion, Scalars = scalars };
    }

    private static void DecodeSummary(ReadOnlySpan<byte> data, List<KeyValuePair<string, float>> scalars)
    {
        var summary = new ProtoReader(data);
        while (summary.Next(out int field, out int wire))
        {
            if (field != 1 || wire != WireLength) { summary.Skip(wire); continue; }
            var value = new ProtoReader(summary.Bytes());
            string tag = "";
            float? simple = null;
            while (value.Next(out int valueField, out int valueWire))
            {
                if (valueField == 1 && valueWire == WireLength) tag = Encoding.UTF8.GetString(value.Bytes());
                else if (valueField == 2 && valueWire == WireFixed32) simple = BinaryPrimitives.ReadSingleLittleEndian(value.Fixed(4));
                else value.Skip(valueWire);
            }
            if (simple.HasValue) scalars.Add(new(tag, simple.Value));
        }
    }

    private const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;

    private static void WriteKey(Stream output, int field, int wire) => WriteVarint(output, (ulong)((field << 3) | wire));

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }

    private static void WriteBytes(Stream output, int field, byte[] bytes)
    {
        WriteKey(output, field, WireLength);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_position >= _data.Length) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (shift >= 64) throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
                byte b = Take(1)[0];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
        }

        public ReadOnlySpan<byte> Fixed(int size) => Take(size);

        public ReadOnlySpan<byte> Bytes() => Take(checked((int)Varint()));

        public void Skip(int wire)
        {
            switch (wire)
            {
                case WireVarint: Varint(); break;
                case WireFixed64: Take(8); break;
                case WireLength: Bytes(); break;
                case WireFixed32: Take(4); break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wire}.");
            }
        }

        private ReadOnlySpan<byte> Take(int size)
        {
            if (size < 0 || _position + size > _data.Length) throw new InvalidDataException("A protobuf field runs past the end of its message.");
            ReadOnlySpan<byte> slice = _data.Slice(_position, size);
            _position += size;
            return slice;
        }
    }
}
