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
}
