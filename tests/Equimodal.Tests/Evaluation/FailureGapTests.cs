using Equimodal.Evaluation;

namespace Equimodal.Tests.Evaluation;

public class FailureGapTests
{
    [Fact]
    public void Each_modality_gap_is_its_unimodal_accuracy_minus_its_own_logits_and_the_run_gap_is_the_largest()
    {
        var own = new Dictionary<string, double> { ["audio"] = 0.465, ["visual"] = 0.885 };
        var unimodal = new Dictionary<string, double> { ["audio"] = 0.416, ["visual"] = 0.866 };

        IReadOnlyDictionary<string, double> gaps = FailureGap.PerModality(own, unimodal);

        // Both own heads beat their unimodal models: negative gaps, no failure; the run's gap is the larger, visual's.
        Assert.Equal(-0.049, gaps["audio"], 12);
        Assert.Equal(-0.019, gaps["visual"], 12);
        Assert.Equal(-0.019, FailureGap.Of(gaps)!.Value, 12);
    }

    [Fact]
    public void A_modality_without_a_unimodal_reference_has_no_gap_and_no_reference_means_no_run_gap()
    {
        var own = new Dictionary<string, double> { ["audio"] = 0.30, ["visual"] = 0.90 };
        var unimodal = new Dictionary<string, double> { ["audio"] = 0.70 };

        IReadOnlyDictionary<string, double> gaps = FailureGap.PerModality(own, unimodal);

        Assert.Equal(new[] { "audio" }, gaps.Keys);
        Assert.Equal(0.40, FailureGap.Of(gaps)!.Value, 12);
        Assert.Null(FailureGap.Of(FailureGap.PerModality(own, new Dictionary<string, double>())));
    }

    [Fact]
    public void The_seed_noise_floor_averages_the_largest_reference_difference_over_ordered_pairs_of_seeds()
    {
        var seeds = new IReadOnlyDictionary<string, double>[]
        {
            new Dictionary<string, double> { ["audio"] = 0.60, ["visual"] = 0.80 },
            new Dictionary<string, double> { ["audio"] = 0.50, ["visual"] = 0.84 },
            new Dictionary<string, double> { ["visual"] = 0.78 },
        };

        // (1,2) max(0.10, -0.04) = 0.10; (2,1) max(-0.10, 0.04) = 0.04; (1,3) 0.02; (3,1) -0.02; (2,3) 0.06; (3,2) -0.06.
        Assert.Equal((0.10 + 0.04 + 0.02 - 0.02 + 0.06 - 0.06) / 6, FailureGap.SeedNoiseFloor(seeds)!.Value, 12);
        Assert.Null(FailureGap.SeedNoiseFloor(seeds[..1]));
        Assert.Null(FailureGap.SeedNoiseFloor(new IReadOnlyDictionary<string, double>[] { seeds[0], new Dictionary<string, double> { ["depth"] = 0.5 } }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_seed_noise_floor_is_zero_for_one_modality_and_never_negative(int seed)
    {
        var random = new Random(seed);
        IReadOnlyDictionary<string, double>[] Seeds(params string[] modalities) => Enumerable.Range(0, 5)
            .Select(_ => (IReadOnlyDictionary<string, double>)modalities.ToDictionary(m => m, _ => random.NextDouble())).ToArray();

        // One modality: the differences of ordered pairs cancel. Several: the largest is at least any one of them.
        Assert.Equal(0, FailureGap.SeedNoiseFloor(Seeds("audio"))!.Value, 12);
        Assert.True(FailureGap.SeedNoiseFloor(Seeds("audio", "visual", "depth")) >= 0);
    }
}
