namespace Equimodal.Data;

/// <summary>
/// Cuts a dataset into mini-batches. With shuffling, the order is a fresh permutation every epoch, derived
/// from (seed, epoch) by a fixed formula (never HashCode, which is randomized per process), so runs are reproducible and epochs differ (TorchSharp's seeded DataLoader repeats
/// one order every epoch). Training batches get an <see cref="Augmentation"/> seed derived from (seed, epoch, batch) the same way.
/// </summary>
public sealed class BatchLoader
{
    private readonly IMultimodalDataset _dataset;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly int _seed;

    /// <summary>Creates a loader.</summary>
    public BatchLoader(IMultimodalDataset dataset, int batchSize, bool shuffle, int seed)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be positive, got {batchSize}.");
        _dataset = dataset;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
    }

    /// <summary>The dataset the batches come from.</summary>
    public IMultimodalDataset Dataset => _dataset;

    /// <summary>Number of batches per epoch (the last one may be smaller).</summary>
    public int BatchesPerEpoch => (_dataset.Count + _batchSize - 1) / _batchSize;

    /// <summary>The sample order of <paramref name="epoch"/>.</summary>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, _dataset.Count).ToArray();
        if (_shuffle) new Random(unchecked(_seed * 1_000_003 + epoch * 7919 + 17)).Shuffle(order);
        return order;
    }

    /// <summary>The index lists of the batches of <paramref name="epoch"/>, in order.</summary>
    public IEnumerable<int[]> BatchIndices(int epoch)
    {
        int[] order = Order(epoch);
        for (int start = 0; start < order.Length; start += _batchSize)
            yield return order[start..Math.Min(order.Length, start + _batchSize)];
    }

    /// <summary>The augmentation of batch <paramref name="batch"/> of <paramref name="epoch"/>: seeded for training, none otherwise.</summary>
    public Augmentation AugmentationOf(int epoch, int batch, bool training) =>
        training ? Augmentation.FromSeed(unchecked(_seed * 1_000_003 + epoch * 7919 + batch * 104_729 + 23)) : Augmentation.None;

    /// <summary>
    /// The batches of <paramref name="epoch"/> as (index list, augmentation), leaving out the first <paramref name="skip"/>
    /// (already trained before a resume); the rest are exactly those of an uninterrupted epoch.
    /// </summary>
    public IEnumerable<(int[] Indices, Augmentation Augmentation)> Plan(int epoch, bool training, int skip = 0) =>
        BatchIndices(epoch).Select((indices, batch) => (indices, AugmentationOf(epoch, batch, training))).Skip(skip);

    /// <summary>Loads the batches of <paramref name="epoch"/> one by one (after the first <paramref name="skip"/>); the caller disposes each.</summary>
    public IEnumerable<Batch> Batches(int epoch, bool training, int skip = 0) =>
        Plan(epoch, training, skip).Select(planned => _dataset.GetBatch(planned.Indices, planned.Augmentation));
}
