namespace Equimodal.Training;

/// <summary>
/// The rule for resuming a checkpoint with another number of ranks than the one that wrote it. What must not change is
/// the optimisation: the samples of every step (the global batch, world x per-rank batch) and the epochs' batch plan. So
/// at an epoch boundary the per-rank batch is rescaled to keep the global batch, which is allowed when the new world
/// divides it and the epoch pads to the same length (DistributedSampler pads the order to a multiple of the world);
/// mid-epoch a change is refused, because the batches left in the epoch were planned for the old world.
/// </summary>
public static class WorldSizeOnResume
{
    /// <summary>
    /// The per-rank batch size to continue <paramref name="saved"/> with on <paramref name="world"/> ranks, over a
    /// training set of <paramref name="trainingSamples"/>; <paramref name="configuredBatchSize"/> is config.json's.
    /// Throws <see cref="InvalidOperationException"/> naming both world sizes when the continuation cannot equal the
    /// uninterrupted run.
    /// </summary>
    public static int RankBatchSize(CheckpointProgress saved, int world, int configuredBatchSize, int trainingSamples)
    {
        int savedBatch = saved.BatchSize > 0 ? saved.BatchSize : configuredBatchSize;
        if (saved.World == world) return savedBatch;
        string written = $"The checkpoint was written by {Ranks(saved.World)} at batch {savedBatch} per rank ({saved.World * savedBatch} samples per step); this job has {Ranks(world)}.";
        if (saved.StepInEpoch != 0)
            throw new InvalidOperationException($"{written} It stopped in the middle of epoch {saved.Epoch + 1} (step {saved.StepInEpoch}), whose remaining batches were planned for {Ranks(saved.World)}: " +
                $"resume with {Ranks(saved.World)} (mpirun -np {saved.World}), or from a checkpoint at an epoch end.");
        int globalBatch = saved.World * savedBatch;
        if (globalBatch % world != 0)
            throw new InvalidOperationException($"{written} {globalBatch} samples per step cannot be split evenly over {Ranks(world)}: resume with {Ranks(saved.World)} or a number of ranks that divides {globalBatch}.");
        if (PaddedLength(trainingSamples, saved.World) != PaddedLength(trainingSamples, world))
            throw new InvalidOperationException($"{written} An epoch of the {trainingSamples} training samples pads to {PaddedLength(trainingSamples, saved.World)} on {Ranks(saved.World)} " +
                $"but to {PaddedLength(trainingSamples, world)} on {Ranks(world)}, so the epochs would differ: resume with {Ranks(saved.World)}.");
        return globalBatch / world;
    }

    private static int PaddedLength(int samples, int world) => (samples + world - 1) / world * world;

    private static string Ranks(int world) => world == 1 ? "1 rank" : $"{world} ranks";
}
