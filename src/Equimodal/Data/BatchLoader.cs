namespace Equimodal.Data;

/// <summary>
/// Cuts a dataset into mini-batches. With shuffling, the order is a fresh permutation every epoch, derived
/// from (seed, epoch) through <see cref="SeedStreams"/>, so runs are reproducible and epochs differ (TorchSharp's seeded
/// DataLoader repeats one order every epoch). Training batches get an <see cref="Augmentation"/> seed derived from
/// (seed, epoch, batch) the same way. In data-parallel training, (rank, world) are two more coordinates of the plan: like
/// PyTorch's DistributedSampler, the epoch's order is padded with its first samples to a multiple of the world size and
/// rank r takes every world-th sample from position r, so every rank has as many batches and batch k of all ranks
/// together is batch k of one process with a world times larger batch (augmentation included).
/// </summary>
public sealed class BatchLoader
{
    private readonly IMultimodalDataset _dataset;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int _rank;
    private readonly int _world;

    /// <summary>Creates a loader of rank <paramref name="rank"/>'s share of the data out of <paramref name="world"/> processes (by default all of it).</summary>
    public BatchLoader(IMultimodalDataset dataset, int batchSize, bool shuffle, int seed, int rank = 0, int world = 1)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be positive, got {batchSize}.");
        if (world <= 0 || rank < 0 || rank >= world) throw new ArgumentOutOfRangeException(nameof(rank), $"Rank {rank} is not one of the {world} processes.");
        _dataset = dataset;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _rank = rank;
        _world = world;
    }

    /// <summary>The dataset the batches come from.</summary>
    public IMultimodalDataset Dataset => _dataset;

    /// <summary>Samples this rank sees per epoch: the dataset size rounded up to a multiple of the world size, divided by it.</summary>
    public int SamplesPerEpoch => (_dataset.Count + _world - 1) / _world;

    /// <summary>Number of batches per epoch (the last one may be smaller).</summary>
    public int BatchesPerEpoch => (SamplesPerEpoch + _batchSize - 1) / _batchSize;

    /// <summary>The sample order of <paramref name="epoch"/> over all ranks (before sharding).</summary>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, _dataset.Count).ToArray();
        if (_shuffle) new Random(SeedStreams.EpochOrder(_seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>This rank's samples of <paramref name="epoch"/>, in order.</summary>
    public int[] ShardOrder(int epoch)
    {
        int[] order = Order(epoch);
        if (_world == 1) return order;
        return Enumerable.Range(0, SamplesPerEpoch).Select(i => order[(i * _world + _rank) % order.Length]).ToArray();
    }

    /// <summary>The index lists of the batches of <paramref name="epoch"/>, in order.</summary>
    public IEnumerable<int[]> BatchIndices(int epoch)
    {
        int[] order = ShardOrder(epoch);
        for (int start = 0; start < order.Length; start += _batchSize)
            yield return order[start..Math.Min(order.Length, start + _batchSize)];
    }

    /// <summary>The augmentation of batch <paramref name="batch"/> of <paramref name="epoch"/>: seeded for training, none otherwise.</summary>
    public Augmentation AugmentationOf(int epoch, int batch, bool training) =>
        training ? Augmentation.FromSeed(SeedStreams.BatchAugmentation(_seed, epoch, batch)).Shard(_rank, _world) : Augmentation.None;

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
