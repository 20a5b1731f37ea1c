namespace Equimodal.Data;

/// <summary>
/// Whether and how the samples of one batch are augmented. Evaluation batches are not (<see cref="None"/>). A training
/// batch carries a seed that the loader derives from (run seed, epoch, batch number), and each sample draws from its own
/// generator derived from that seed and its position in the batch. Augmentation is therefore a pure function of where
/// the batch sits in the run: the same on any loading thread, in any order of loading, and after a resume.
/// </summary>
public readonly record struct Augmentation
{
    private readonly int _rank;
    private readonly int _worldMinusOne;

    private Augmentation(int seed, int rank, int world)
    {
        Enabled = true;
        Seed = seed;
        _rank = rank;
        _worldMinusOne = world - 1;
    }

    /// <summary>No augmentation (evaluation).</summary>
    public static Augmentation None => default;

    /// <summary>Training augmentation drawn from <paramref name="seed"/>.</summary>
    public static Augmentation FromSeed(int seed) => new(seed, 0, 1);

    /// <summary>
    /// The augmentation of rank <paramref name="rank"/>'s share of a batch sharded over <paramref name="world"/> processes
    /// (every world-th sample from position <paramref name="rank"/>): each sample draws what it would draw in the unsharded batch.
    /// </summary>
    public Augmentation Shard(int rank, int world) => Enabled ? new(Seed, rank, world) : this;

    /// <summary>True for training batches.</summary>
    public bool Enabled { get; }

    /// <summary>The batch's seed (0 when disabled).</summary>
    public int Seed { get; }

    /// <summary>The generator of the sample at <paramref name="position"/> in this (possibly sharded) batch.</summary>
    public Random ForSample(int position) => new(SeedStreams.SampleAugmentation(Seed, position * (_worldMinusOne + 1) + _rank));
}
