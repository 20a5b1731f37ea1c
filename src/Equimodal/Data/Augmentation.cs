namespace Equimodal.Data;

/// <summary>
/// Whether and how the samples of one batch are augmented. Evaluation batches are not (<see cref="None"/>). A training
/// batch carries a seed that the loader derives from (run seed, epoch, batch number), and each sample draws from its own
/// generator derived from that seed and its position in the batch. Augmentation is therefore a pure function of where
/// the batch sits in the run: the same on any loading thread, in any order of loading, and after a resume.
/// </summary>
public readonly record struct Augmentation
{
    private Augmentation(int seed)
    {
        Enabled = true;
        Seed = seed;
    }

    /// <summary>No augmentation (evaluation).</summary>
    public static Augmentation None => default;

    /// <summary>Training augmentation drawn from <paramref name="seed"/>.</summary>
    public static Augmentation FromSeed(int seed) => new(seed);

    /// <summary>True for training batches.</summary>
    public bool Enabled { get; }

    /// <summary>The batch's seed (0 when disabled).</summary>
    public int Seed { get; }

    /// <summary>The generator of the sample at <paramref name="position"/> in the batch (fixed formula, never HashCode, which is randomized per process).</summary>
    public Random ForSample(int position) => new(unchecked(Seed * 1_000_003 + position * 7919 + 31));
}
