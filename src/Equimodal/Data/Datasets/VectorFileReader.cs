namespace Equimodal.Data.Datasets;

/// <summary>Reads .npy or .safetensors feature vectors of a fixed length (kept in memory after the first read).</summary>
public sealed class VectorFileReader : IModalityReader
{
    /// <summary>File extensions of feature vectors, each read by its own format reader.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".npy", ".safetensors" };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the reader of modality <paramref name="name"/> with vectors of <paramref name="length"/> values.</summary>
    public VectorFileReader(string name, int length) => Spec = new ModalitySpec(name, ModalityKind.Vector, new long[] { length });

    /// <inheritdoc />
    public ModalitySpec Spec { get; }

    /// <inheritdoc />
    public InputPreprocessing Preprocessing => new() { Modality = Spec.Name, Reader = "vector", Shape = Spec.Shape };

    /// <summary>Whether <paramref name="path"/> names a feature-vector file by its extension.</summary>
    public static bool IsVectorFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads the vector in <paramref name="path"/> with the reader of its extension (.npy or .safetensors).</summary>
    public static float[] ReadVector(string path)
    {
        float[] values = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => NpyVector.Read(path),
            ".safetensors" => SafetensorsVector.Read(path),
            _ => throw new DataFileException(path, $"unsupported feature file (supported: {string.Join(", ", Extensions)})"),
        };
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFileException(path, $"value {bad} is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}; features must be finite numbers");
        return values;
    }

    /// <inheritdoc />
    public float[] Read(string path, bool training, Random random) => _cache.GetOrAdd(path, p =>
    {
        float[] values = ReadVector(p);
        if (values.Length != Spec.Shape[0]) throw new DataFileException(p, $"{values.Length} values, expected {Spec.Shape[0]} like the other samples");
        return values;
    });
}
