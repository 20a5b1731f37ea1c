namespace Equimodal.Data.Datasets;

/// <summary>Reads .npy feature vectors of a fixed length (kept in memory after the first read).</summary>
public sealed class VectorFileReader : IModalityReader
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the reader of modality <paramref name="name"/> with vectors of <paramref name="length"/> values.</summary>
    public VectorFileReader(string name, int length) => Spec = new ModalitySpec(name, ModalityKind.Vector, new long[] { length });

    /// <inheritdoc />
    public ModalitySpec Spec { get; }

    /// <inheritdoc />
    public float[] Read(string path, bool training, Random random) => _cache.GetOrAdd(path, p =>
    {
        if (!p.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new DataFileException(p, "unsupported feature file (supported: .npy; .safetensors is not implemented yet)");
        float[] values = NpyVector.Read(p);
        if (values.Length != Spec.Shape[0]) throw new DataFileException(p, $"{values.Length} values, expected {Spec.Shape[0]} like the other samples");
        return values;
    });
}
