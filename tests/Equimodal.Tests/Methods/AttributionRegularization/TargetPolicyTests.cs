using Equimodal.Evaluation;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods.AttributionRegularization;

/// <summary>Each target policy of option target-shares by hand.</summary>
public class TargetPolicyTests
{
    private static readonly string[] Modalities = { "a", "b" };

    private static EpochEnd Validation(double a, double b) =>
        new(0, new EvaluationResult { ModalityAccuracy = new Dictionary<string, double> { ["a"] = a, ["b"] = b } });

    [Fact]
    public void Uniform_targets_give_every_modality_the_same_share_whatever_happens()
    {
        TargetPolicy uniform = TargetPolicy.Create("uniform", "");
        uniform.Setup(new[] { "a", "b", "c" });
        Assert.Equal(new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, uniform.Targets);
        uniform.OnEpochEnd(Validation(0.9, 0.1), Modalities);
        Assert.Equal(1.0 / 3, uniform.Targets[0]);
    }

    [Fact]
    public void Given_ratios_are_normalised_and_checked_against_the_modalities()
    {
        TargetPolicy given = TargetPolicy.Create("ratios", "3, 1");
        given.Setup(Modalities);
        Assert.Equal(new[] { 0.75, 0.25 }, given.Targets);
        Assert.Contains("3 values for 2 modalities (a, b)", Assert.Throws<ArgumentException>(() => TargetPolicy.Create("ratios", "1,1,1").Setup(Modalities)).Message);
        Assert.Contains("target-ratios=2,-1 is invalid", Assert.Throws<ArgumentException>(() => TargetPolicy.Create("ratios", "2,-1")).Message);
        Assert.Contains("positive sum", Assert.Throws<ArgumentException>(() => TargetPolicy.Create("ratios", "0,0")).Message);
    }

    [Fact]
    public void Adaptive_targets_follow_the_modalities_own_validation_accuracy()
    {
        TargetPolicy adaptive = TargetPolicy.Create("adaptive", "");
        adaptive.Setup(Modalities);
        Assert.Equal(new[] { 0.5, 0.5 }, adaptive.Targets);
        adaptive.OnEpochEnd(Validation(0.9, 0.3), Modalities);
        Assert.Equal(0.75, adaptive.Targets[0], 12);
        Assert.Equal(0.25, adaptive.Targets[1], 12);
        // No modality right on any sample: the targets stay.
        adaptive.OnEpochEnd(Validation(0, 0), Modalities);
        Assert.Equal(0.75, adaptive.Targets[0], 12);
    }

    [Fact]
    public void Per_sample_targets_weigh_only_samples_on_which_every_modality_beats_chance()
    {
        using var scope = NewDisposeScope();
        // Three samples, two classes: modality a beats chance on samples 0 and 1, modality b on samples 0 and 2.
        Tensor labels = tensor(new long[] { 0, 1, 0 });
        Tensor logitsA = tensor(new float[] { 2, 0, 0, 1, 0, 3 }).view(3, 2);
        Tensor logitsB = tensor(new float[] { 1, 0, 2, 0, 1, -1 }).view(3, 2);
        Assert.Equal(new[] { true, true, true, false, false, true }, PerSampleTargets.Informative(new[] { logitsA, logitsB }, labels).data<bool>().ToArray());
        TargetPolicy perSample = TargetPolicy.Create("per-sample", "");
        perSample.Setup(Modalities);
        var output = new ModelOutput(zeros(3, 2), new[] { zeros(3, 1), zeros(3, 1) }, () => new[] { logitsA, logitsB });
        Assert.Equal(new[] { 1.0, 0.0, 0.0 }, perSample.SampleWeights(output, labels, ScalarType.Float64)!.data<double>().ToArray());
        Assert.Equal(new[] { 0.5, 0.5 }, perSample.Targets);
    }

    [Fact]
    public void Inverse_variance_targets_are_the_inverse_brier_scores_of_the_epoch()
    {
        using var scope = NewDisposeScope();
        // softmax([0, 0]) = [0.5, 0.5] against label 0: (0.5 - 1)^2 + 0.5^2 = 0.5; a confident right answer errs ~0.
        double[] errors = InverseVarianceTargets.UnimodalErrors(new[] { zeros(1, 2), tensor(new float[] { 20, 0 }).view(1, 2) }, tensor(new long[] { 0 }));
        Assert.Equal(0.5, errors[0], 6);
        Assert.Equal(0.0, errors[1], 6);
        double[] targets = InverseVarianceTargets.FromErrors(new[] { 0.2, 0.6 });
        Assert.Equal(0.75, targets[0], 12);
        Assert.Equal(0.25, targets[1], 12);

        var policy = (InverseVarianceTargets)TargetPolicy.Create("inverse-variance", "");
        policy.Setup(Modalities);
        // No step seen: the targets stay uniform.
        policy.OnEpochEnd(Validation(0.9, 0.1), Modalities);
        Assert.Equal(new[] { 0.5, 0.5 }, policy.Targets);
        // Two batches: a errs 0.5 then 0.5 (uniform predictions), b errs 0.5 then ~0; mean errors 0.5 and 0.25.
        Tensor label = tensor(new long[] { 0 });
        policy.OnEpochStart();
        policy.Observe(new ModelOutput(zeros(1, 2), Array.Empty<Tensor>(), () => new[] { zeros(1, 2), zeros(1, 2) }), label);
        policy.Observe(new ModelOutput(zeros(1, 2), Array.Empty<Tensor>(), () => new[] { zeros(1, 2), tensor(new float[] { 20, 0 }).view(1, 2) }), label);
        policy.OnEpochEnd(Validation(0.9, 0.1), Modalities);
        Assert.Equal(1.0 / 3, policy.Targets[0], 6);
        Assert.Equal(2.0 / 3, policy.Targets[1], 6);
        var metrics = new Dictionary<string, double>();
        policy.AddMetrics(metrics);
        Assert.Equal(0.25, metrics["attr-reg.unimodal-error.b"], 6);
        Assert.NotNull(policy.DataParallelProblem);
        Assert.Contains("Valid values: uniform, ratios, adaptive, per-sample, inverse-variance", Assert.Throws<ArgumentException>(() => TargetPolicy.Create("given", "")).Message);
    }
}
