using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Equimodal.Data.Datasets;

/// <summary>
/// Reads a feature vector from a Hugging Face <c>.safetensors</c> file holding exactly one tensor: an 8-byte little-endian
/// header length N, N bytes of JSON (<c>{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}</c>), then the
/// little-endian data, offsets counted from the first byte after the header. The tensor must be 1-D (or have every other
/// dimension 1) of dtype F32, F64, F16 or BF16.
/// </summary>
public static class SafetensorsVector
{
    /// <summary>The dtypes that can be read, with their size in bytes.</summary>
    public static readonly IReadOnlyDictionary<string, int> DtypeSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F32"] = 4, ["F64"] = 8, ["F16"] = 2, ["BF16"] = 2,
    };

    private const string MetadataKey = "__metadata__";
    private const int LengthFieldSize = 8;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataFileException"/> naming the file and the problem.</summary>
    public static float[] Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "feature file not found");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < LengthFieldSize)
            throw new DataFileException(path, $"not a .safetensors file: {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        long available = bytes.Length - LengthFieldSize;
        if (headerLength > (ulong)available)
            throw new DataFileException(path, $"header length {headerLength} exceeds the {available} bytes that follow it (truncated or not a .safetensors file)");
        (string name, TensorEntry tensor) = SingleTensor(path, bytes.AsMemory(LengthFieldSize, (int)headerLength));
        ReadOnlySpan<byte> data = bytes.AsSpan(LengthFieldSize + (int)headerLength);
        return Decode(path, name, tensor, data);
    }

    private static (string Name, TensorEntry Tensor) SingleTensor(string path, ReadOnlyMemory<byte> header)
    {
        Dictionary<string, JsonElement> entries;
        try
        {
            entries = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(header.Span)
                      ?? throw new DataFileException(path, "header is JSON null, expected an object of tensors");
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, $"header is not a JSON object ({e.Message})", inner: e);
        }
        string[] names = entries.Keys.Where(k => k != MetadataKey).ToArray();
        if (names.Length != 1)
        {
            string found = names.Length == 0 ? "none" : string.Join(", ", names);
            throw new DataFileException(path, $"expected exactly one tensor, found {names.Length} ({found})");
        }
        try
        {
            TensorEntry tensor = entries[names[0]].Deserialize<TensorEntry>()
                                 ?? throw new DataFileException(path, $"tensor '{names[0]}' is JSON null");
            if (tensor.Dtype is null || tensor.Shape is null || tensor.DataOffsets is null)
                throw new DataFileException(path, $"tensor '{names[0]}' needs dtype, shape and data_offsets");
            return (names[0], tensor);
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, $"tensor '{names[0]}' has a malformed entry ({e.Message})", inner: e);
        }
    }

    private static float[] Decode(string path, string name, TensorEntry tensor, ReadOnlySpan<byte> data)
    {
        string shape = $"[{string.Join(", ", tensor.Shape!)}]";
        if (!DtypeSizes.TryGetValue(tensor.Dtype!, out int width))
            throw new DataFileException(path, $"tensor '{name}' has unsupported dtype '{tensor.Dtype}' (supported: {string.Join(", ", DtypeSizes.Keys)})");
        if (tensor.Shape!.Length == 0 || tensor.Shape.Any(d => d < 0) || tensor.Shape.Count(d => d != 1) > 1)
            throw new DataFileException(path, $"tensor '{name}' has shape {shape}, expected a 1-D vector (other dimensions of size 1 are allowed)");
        long length = tensor.Shape.Aggregate(1L, (product, d) => product * d);
        if (tensor.DataOffsets!.Length != 2)
            throw new DataFileException(path, $"tensor '{name}' has {tensor.DataOffsets.Length} data_offsets, expected [begin, end]");
        (long begin, long end) = (tensor.DataOffsets[0], tensor.DataOffsets[1]);
        if (begin < 0 || end < begin || end - begin != length * width)
            throw new DataFileException(path, $"tensor '{name}' has data_offsets [{begin}, {end}] but shape {shape} of {tensor.Dtype} needs {length * width} bytes");
        if (end > data.Length)
            throw new DataFileException(path, $"tensor '{name}' has data_offsets [{begin}, {end}] beyond the {data.Length} data bytes of the file");
        ReadOnlySpan<byte> values = data.Slice((int)begin, (int)(end - begin));
        var vector = new float[length];
        for (int i = 0; i < vector.Length; i++)
        {
            ReadOnlySpan<byte> value = values.Slice(i * width, width);
            vector[i] = tensor.Dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(value),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(value),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(value),
                // bfloat16 is the upper half of a float32.
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(value) << 16),
            };
        }
        return vector;
    }

    private sealed record TensorEntry(
        [property: JsonPropertyName("dtype")] string? Dtype,
        [property: JsonPropertyName("shape")] long[]? Shape,
        [property: JsonPropertyName("data_offsets")] long[]? DataOffsets);
}
