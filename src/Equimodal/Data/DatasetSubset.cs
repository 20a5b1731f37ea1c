namespace Equimodal.Data;

/// <summary>A view of some samples of another dataset, e.g. one split.</summary>
public sealed class DatasetSubset : IMultimodalDataset
{
    private readonly IMultimodalDataset _source;
    private readonly int[] _indices;

    /// <summary>Creates the view over <paramref name="indices"/> of <paramref name="source"/>.</summary>
    public DatasetSubset(IMultimodalDataset source, IEnumerable<int> indices)
    {
        int[] local = indices.ToArray();
        int bad = Array.FindIndex(local, i => i < 0 || i >= source.Count);
        if (bad >= 0) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {local[bad]} is outside 0..{source.Count - 1}.");
        // A subset of a subset points straight at the root dataset, so SourceIndices always index the root.
        (_source, _indices) = source is DatasetSubset inner ? (inner._source, local.Select(i => inner._indices[i]).ToArray()) : (source, local);
    }

    /// <summary>Indices into the root dataset (never into an intermediate subset).</summary>
    public IReadOnlyList<int> SourceIndices => _indices;

    /// <inheritdoc />
    public IReadOnlyList<ModalitySpec> Modalities => _source.Modalities;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public Tasks.TaskKind Task => _source.Task;

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public int LabelOf(int index) => _source.LabelOf(_indices[index]);

    /// <inheritdoc />
    public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation) =>
        _source.GetBatch(indices.Select(i => _indices[i]).ToArray(), augmentation);

    /// <summary>
    /// Splits <paramref name="source"/> into two stratified parts: about <paramref name="fraction"/> of each
    /// class goes to the second part. Seeded, so the same seed gives the same split.
    /// </summary>
    public static (DatasetSubset Kept, DatasetSubset Held) StratifiedSplit(IMultimodalDataset source, double fraction, int seed)
    {
        if (fraction <= 0 || fraction >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), "The held-out fraction must be in (0, 1).");
        var random = new Random(seed);
        var rest = new List<int>();
        var held = new List<int>();
        foreach (var group in Enumerable.Range(0, source.Count).GroupBy(source.LabelOf).OrderBy(g => g.Key))
        {
            int[] members = group.ToArray();
            random.Shuffle(members);
            int heldCount = (int)Math.Round(members.Length * fraction);
            held.AddRange(members.Take(heldCount));
            rest.AddRange(members.Skip(heldCount));
        }
        rest.Sort();
        held.Sort();
        return (new DatasetSubset(source, rest), new DatasetSubset(source, held));
    }
}
