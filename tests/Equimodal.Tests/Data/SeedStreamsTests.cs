using Equimodal.Data;

namespace Equimodal.Tests.Data;

public class SeedStreamsTests
{
    // Expected values computed by hand (wrapping 32-bit) from the formulas the streams replaced; if one moves, every
    // measured table of the README would move with it.
    [Fact]
    public void Every_stream_keeps_the_value_of_the_formula_it_replaced()
    {
        Assert.Equal(1_000_020, SeedStreams.EpochOrder(1, 0));                 // seed * 1000003 + epoch * 7919 + 17
        Assert.Equal(7_023_795, SeedStreams.EpochOrder(7, 3));
        Assert.Equal(8_175_820, SeedStreams.BatchAugmentation(7, 3, 11));      // ... + batch * 104729 + 23
        Assert.Equal(-1_097_641_590, SeedStreams.SampleAugmentation(123_456, 5)); // batchSeed * 1000003 + position * 7919 + 31
        Assert.Equal(7_015_900, SeedStreams.ValuationSchedule(7, 2));          // seed * 1000003 + epoch * 7919 + 41
        Assert.Equal(33_182_330, SeedStreams.ValuationCopies(7, 250));         // seed * 1000003 + globalStep * 104729 + 59
        Assert.Equal(1_234, SeedStreams.AudioNoise(0, 1_234));                 // dataSeed * 1000003 + clip
        Assert.Equal(39_596, SeedStreams.ImageOcclusion(5));                   // seed * 7919 + 1
        Assert.Equal(7_000_088, SeedStreams.PairedImageDraw(7));               // dataSeed * 1000003 + 67
        Assert.Equal(2_146_554_933, SeedStreams.EpochOrder(int.MaxValue, 9)); // wraps instead of throwing
    }

    // The streams that replaced raw seeds and offsets written at each use: pinned to those old expressions, so the synthetic
    // benchmark, the AV-Digits pairing, every validation split and the robustness corruptions stay bit-exact.
    [Fact]
    public void Data_and_evaluation_streams_keep_the_values_written_at_their_old_call_sites()
    {
        Assert.Equal(7_000_085L, SeedStreams.TestCorruption(7, 64));                  // condition seed * 1000003 + batch offset
        Assert.Equal(-2_999_999L, SeedStreams.TestCorruption(-3, 10));
        Assert.Equal(2_147_490_089_450_946L, SeedStreams.TestCorruption(int.MaxValue, 5)); // 64-bit: never wraps
        Assert.Equal(0, SeedStreams.SyntheticSamples(0));                             // DataSeed
        Assert.Equal(1, SeedStreams.SyntheticTestSplit(0));                           // DataSeed + 1
        Assert.Equal(2, SeedStreams.SyntheticValidationSplit(0));                     // DataSeed + 2
        Assert.Equal(44, SeedStreams.SyntheticValidationSplit(42));
        Assert.Equal(int.MinValue + 1, SeedStreams.SyntheticValidationSplit(int.MaxValue)); // wraps as the unchecked + did
        Assert.Equal(42, SeedStreams.ValidationSplit(42));                            // DataSeed
        Assert.Equal(42, SeedStreams.ImagePairing(42));                               // DataSeed
        Assert.Equal(42, SeedStreams.LoadCheck(42));                                  // DataSeed
        Assert.Equal(5, SeedStreams.BlendingHoldOut(5));                              // run seed
    }

    [Fact]
    public void The_synthetic_benchmark_splits_by_its_streams()
    {
        var options = new SyntheticOptions { Samples = 60, DataSeed = 4 };
        DatasetSplits splits = SyntheticAudioVisual.Generate(options);
        TensorDataset all = SyntheticAudioVisual.GenerateAll(options);
        var (rest, test) = DatasetSubset.StratifiedSplit(all, options.TestFraction, 5);
        var (train, validation) = DatasetSubset.StratifiedSplit(rest, options.ValidationFraction / (1 - options.TestFraction), 6);
        Assert.Equal(Audio(test), Audio(splits.Test));
        Assert.Equal(Audio(validation), Audio(splits.Validation));
        Assert.Equal(Audio(train), Audio(splits.Train));
        Assert.NotEqual(Audio(test), Audio(DatasetSubset.StratifiedSplit(all, options.TestFraction, 4).Held));
    }

    // The samples themselves (noise differs between any two), not only their labels.
    private static float[] Audio(IMultimodalDataset data)
    {
        using Batch batch = data.GetBatch(Enumerable.Range(0, data.Count).ToArray(), Augmentation.None);
        return batch.Inputs[0].data<float>().ToArray();
    }

    [Fact]
    public void The_loader_draws_its_order_and_augmentation_from_the_streams()
    {
        var data = new DatasetSubset(SyntheticAudioVisual.GenerateAll(new SyntheticOptions { Samples = 60 }), Enumerable.Range(0, 20).ToArray());
        var loader = new BatchLoader(data, 4, shuffle: true, seed: 7);
        int[] expected = Enumerable.Range(0, 20).ToArray();
        new Random(SeedStreams.EpochOrder(7, 3)).Shuffle(expected);
        Assert.Equal(expected, loader.Order(3));
        Assert.Equal(SeedStreams.BatchAugmentation(7, 3, 2), loader.AugmentationOf(3, 2, training: true).Seed);
        Assert.Equal(new Random(SeedStreams.SampleAugmentation(loader.AugmentationOf(3, 2, true).Seed, 1)).Next(),
            loader.AugmentationOf(3, 2, training: true).ForSample(1).Next());
    }
}
