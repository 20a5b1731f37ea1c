using System.Buffers.Binary;

namespace Equimodal.Data.Datasets;

/// <summary>Reads MNIST IDX files: images (magic 0x00000803, count, rows, cols, uint8 pixels) and labels (magic 0x00000801, count, uint8).</summary>
public static class IdxFile
{
    /// <summary>Images of an IDX3 file, each rows x cols bytes, row-major.</summary>
    public sealed record Images(int Count, int Rows, int Columns, byte[] Pixels);

    /// <summary>Reads an image file; throws <see cref="DataFileException"/> on a wrong magic number or size.</summary>
    public static Images ReadImages(string path)
    {
        byte[] bytes = ReadWithMagic(path, 0x0803, 16);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        long expected = 16 + (long)count * rows * columns;
        if (count < 0 || rows <= 0 || columns <= 0 || bytes.Length != expected)
            throw new DataFileException(path, $"wrong size: header declares {count} images of {rows}x{columns} ({expected} bytes) but the file has {bytes.Length} bytes");
        return new Images(count, rows, columns, bytes[16..]);
    }

    /// <summary>Reads a label file; throws <see cref="DataFileException"/> on a wrong magic number or size.</summary>
    public static byte[] ReadLabels(string path)
    {
        byte[] bytes = ReadWithMagic(path, 0x0801, 8);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.Length != 8L + count)
            throw new DataFileException(path, $"wrong size: header declares {count} labels ({8L + count} bytes) but the file has {bytes.Length} bytes");
        return bytes[8..];
    }

    private static byte[] ReadWithMagic(string path, int magic, int headerBytes)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "IDX file not found");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < headerBytes) throw new DataFileException(path, $"wrong size: {bytes.Length} bytes is shorter than the {headerBytes}-byte header");
        int actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (actual != magic) throw new DataFileException(path, $"wrong magic number 0x{actual:X8}, expected 0x{magic:X8}");
        return bytes;
    }
}
