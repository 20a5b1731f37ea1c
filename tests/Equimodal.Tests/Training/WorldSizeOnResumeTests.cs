using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class WorldSizeOnResumeTests
{
    private static CheckpointProgress Saved(int world, int batchSize, int stepInEpoch = 0) =>
        new() { Method = "joint", World = world, BatchSize = batchSize, Epoch = 1, StepInEpoch = stepInEpoch, GlobalStep = 8 + stepInEpoch };

    [Theory]
    [InlineData(2, 4, 2, 4)] // same world: the recorded batch
    [InlineData(2, 4, 1, 8)] // 2 x 4 -> 1 x 8
    [InlineData(1, 8, 2, 4)]
    [InlineData(2, 6, 4, 3)]
    public void At_an_epoch_end_the_per_rank_batch_keeps_the_samples_per_step(int savedWorld, int savedBatch, int world, int expected) =>
        Assert.Equal(expected, WorldSizeOnResume.RankBatchSize(Saved(savedWorld, savedBatch), world, configuredBatchSize: 99, trainingSamples: 48));

    [Fact]
    public void A_checkpoint_without_a_recorded_batch_uses_the_configured_one() =>
        Assert.Equal(6, WorldSizeOnResume.RankBatchSize(Saved(1, 0), 2, configuredBatchSize: 12, trainingSamples: 48));

    [Fact]
    public void Mid_epoch_another_world_is_refused_naming_both_sizes()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WorldSizeOnResume.RankBatchSize(Saved(2, 4, stepInEpoch: 3), 1, 8, 48));
        Assert.Contains("written by 2 ranks", error.Message);
        Assert.Contains("this job has 1 rank.", error.Message);
        Assert.Contains("middle of epoch 2 (step 3)", error.Message);
    }

    [Fact]
    public void Mid_epoch_the_same_world_continues() =>
        Assert.Equal(4, WorldSizeOnResume.RankBatchSize(Saved(2, 4, stepInEpoch: 3), 2, 8, 48));

    [Fact]
    public void A_global_batch_the_new_world_does_not_divide_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WorldSizeOnResume.RankBatchSize(Saved(2, 3), 4, 3, 48));
        Assert.Contains("6 samples per step cannot be split evenly over 4 ranks", error.Message);
    }

    [Fact]
    public void An_epoch_that_pads_differently_is_refused()
    {
        // 33 samples: one process reads 33 per epoch, two ranks pad to 34 (DistributedSampler's rule).
        var error = Assert.Throws<InvalidOperationException>(() => WorldSizeOnResume.RankBatchSize(Saved(1, 8), 2, 8, 33));
        Assert.Contains("pads to 33 on 1 rank but to 34 on 2 ranks", error.Message);
    }
}
