using System.Buffers.Binary;

namespace Equimodal.Reporting.TensorBoard;

/// <summary>
/// A TensorBoard event file: TFRecord framing (uint64 length, masked CRC-32C of the length, the Event bytes, masked
/// CRC-32C of the bytes; little-endian) around <see cref="TensorBoardEvent"/>s.
/// </summary>
public static class EventFile
{
    /// <summary>The file_version of the header event TensorBoard expects.</summary>
    public const string Version = "brain.Event:2";

    /// <summary>TensorBoard reads files whose names contain this.</summary>
    public const string NameMarker = "tfevents";

    /// <summary>Appends <paramref name="events"/> to <paramref name="path"/> and flushes them to disk.</summary>
    public static void Append(string path, IEnumerable<TensorBoardEvent> events)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        foreach (TensorBoardEvent e in events) WriteRecord(stream, e.Encode());
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads every complete record. A torn last record (a crash while writing) ends the file; a checksum mismatch before
    /// it throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static IReadOnlyList<TensorBoardEvent> Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var events = new List<TensorBoardEvent>();
        int position = 0;
        while (file.Length - position >= 12)
        {
            ReadOnlySpan<byte> header = file.AsSpan(position, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 8, 4)) != Crc32C.Masked(header))
                throw new InvalidDataException($"{path}: the length checksum of the record at byte {position} does not match.");
            long available = file.Length - position - 16L;
            if (available < 0 || length > (ulong)available) break;
            ReadOnlySpan<byte> data = file.AsSpan(position + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 12 + (int)length, 4)) != Crc32C.Masked(data))
                throw new InvalidDataException($"{path}: the data checksum of the record at byte {position} does not match.");
            events.Add(TensorBoardEvent.Decode(data));
            position += 16 + (int)length;
        }
        return events;
    }

    /// <summary>The event files directly inside <paramref name="folder"/>, oldest name first.</summary>
    public static IReadOnlyList<string> In(string folder) => Directory.Exists(folder)
        ? Directory.GetFiles(folder, $"events.out.{NameMarker}.*").Order(StringComparer.Ordinal).ToArray()
        : Array.Empty<string>();

    private static void WriteRecord(Stream stream, byte[] data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(footer);
    }
}
