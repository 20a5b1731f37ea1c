using System.Text.RegularExpressions;

namespace Equimodal.Data.Datasets;

/// <summary>Reads 1-D float32/float64 NumPy .npy files (format versions 1-3, little-endian, C order) as feature vectors.</summary>
public static partial class NpyVector
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataFileException"/> naming the file and the problem.</summary>
    public static float[] Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "feature file not found");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw new DataFileException(path, "not a .npy file (no \\x93NUMPY magic)");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLength > bytes.Length) throw new DataFileException(path, "truncated .npy header");
        string header = System.Text.Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        string descr = Field(DescrPattern(), header, path, "descr");
        if (Field(OrderPattern(), header, path, "fortran_order") == "True") throw new DataFileException(path, "Fortran-order arrays are not supported");
        long[] shape = Field(ShapePattern(), header, path, "shape").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        if (shape.Length != 1) throw new DataFileException(path, $"expected a 1-D array, got shape ({string.Join(", ", shape)})");
        int width = descr switch { "<f4" => 4, "<f8" => 8, _ => throw new DataFileException(path, $"unsupported dtype '{descr}' (supported: <f4, <f8)") };
        int dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart < shape[0] * width)
            throw new DataFileException(path, $"truncated: header declares {shape[0]} values, file holds {(bytes.Length - dataStart) / width}");
        var values = new float[shape[0]];
        for (int i = 0; i < values.Length; i++)
            values[i] = width == 4 ? BitConverter.ToSingle(bytes, dataStart + i * 4) : (float)BitConverter.ToDouble(bytes, dataStart + i * 8);
        return values;
    }

    private static string Field(Regex pattern, string header, string path, string name)
    {
        Match match = pattern.Match(header);
        if (!match.Success) throw new DataFileException(path, $".npy header has no '{name}'");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
