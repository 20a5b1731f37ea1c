using Equimodal.Attribution;
using Equimodal.Models;
using TorchSharp;
using static Equimodal.Tests.Attribution.AttributionModels;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class IntegratedGradientsTests
{
    private static readonly long[] Sizes = { 3, 4 };

    public static TheoryData<IntegrationRule> Rules => new(Enum.GetValues<IntegrationRule>());

    [Theory]
    [MemberData(nameof(Rules))]
    public void Every_rule_has_weights_summing_to_one_and_points_in_the_unit_interval(IntegrationRule rule)
    {
        foreach (int steps in new[] { 2, 3, 10, 50 })
        {
            var (alphas, weights) = IntegrationRules.PointsAndWeights(rule, steps);
            Assert.Equal(steps, alphas.Length);
            Assert.Equal(1.0, weights.Sum(), 12);
            Assert.All(alphas, a => Assert.InRange(a, 0.0, 1.0));
            Assert.All(weights, w => Assert.True(w > 0));
        }
    }

    [Fact]
    public void Gauss_legendre_with_n_nodes_integrates_polynomials_of_degree_2n_minus_1_exactly()
    {
        var (alphas, weights) = IntegrationRules.PointsAndWeights(IntegrationRule.GaussLegendre, 3);
        double integral = alphas.Zip(weights, (a, w) => w * Math.Pow(a, 5)).Sum();
        Assert.Equal(1.0 / 6, integral, 12);
    }

    [Fact]
    public void Completeness_error_shrinks_with_steps_and_the_delta_matches_an_independent_recomputation()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3, fusion: "gated");
        Tensor[] x = Inputs(4, Sizes);
        var ig = new IntegratedGradients(model);
        Tensor expected = Logits(model, x)[.., 2] - Logits(model, x.Select(t => zeros_like(t)).ToArray())[.., 2];
        var errors = new List<double>();
        foreach (int steps in new[] { 2, 8, 32, 128 })
        {
            using AttributionResult result = ig.Attribute(x, AttributionTarget.Class(2), new AttributionOptions { Steps = steps, Rule = IntegrationRule.RiemannMiddle });
            Tensor total = result.PerModality.Select(a => a.sum(1)).Aggregate((a, b) => a + b);
            Assert.True(MaxDifference(result.Delta!, total - expected) < 1e-10, "the reported delta differs from sum(attributions) - (f(x) - f(0))");
            errors.Add(result.Delta!.abs().max().item<double>());
        }
        for (int i = 1; i < errors.Count; i++) Assert.True(errors[i] < errors[i - 1], $"error did not shrink: {string.Join(", ", errors)}");
        Assert.True(errors[^1] < 1e-3 * expected.abs().max().item<double>(), $"error {errors[^1]} too large at 128 steps");
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void On_a_linear_model_ig_is_input_minus_baseline_times_weight_for_every_rule(IntegrationRule rule)
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3);
        Tensor weight = ((ConcatFusion)model.Fusion).Classifier.weight!.detach();
        Tensor[] x = Inputs(5, Sizes);
        Tensor[] baselines = Inputs(1, Sizes, seed: 7).Select(b => b.squeeze(0)).ToArray();
        using AttributionResult result = new IntegratedGradients(model).Attribute(x, AttributionTarget.Class(1),
            new AttributionOptions { Baselines = baselines, Rule = rule, Steps = 5 });
        Assert.True(MaxDifference(result.PerModality[0], (x[0] - baselines[0]) * weight[1, ..3]) < 1e-12);
        Assert.True(MaxDifference(result.PerModality[1], (x[1] - baselines[1]) * weight[1, 3..]) < 1e-12);
        Assert.True(result.Delta!.abs().max().item<double>() < 1e-12);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void On_the_relu_network_of_the_ig_paper_ig_gives_one_and_a_half_and_minus_one_half(IntegrationRule rule)
    {
        using var scope = NewDisposeScope();
        // f(x1, x2) = ReLU(ReLU(x1) - 1 - ReLU(x2)) at (3, 1) with a zero baseline; each input is one modality.
        LogitsFunction f = inputs => nn.functional.relu(nn.functional.relu(inputs[0]) - 1 - nn.functional.relu(inputs[1]));
        Tensor[] x = { tensor(new[] { 3.0 }, ScalarType.Float64).view(1, 1), tensor(new[] { 1.0 }, ScalarType.Float64).view(1, 1) };
        using AttributionResult result = new IntegratedGradients().Attribute(f, x, AttributionTarget.Class(0), new AttributionOptions { Rule = rule, Steps = 64 });
        Assert.Equal(1.5, result.PerModality[0].item<double>(), 0.05);
        Assert.Equal(-0.5, result.PerModality[1].item<double>(), 0.05);
    }

    [Fact]
    public void Batched_results_equal_per_sample_results_for_every_internal_batch_size()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3, fusion: "gated");
        Tensor[] x = Inputs(5, Sizes);
        var ig = new IntegratedGradients(model);
        var options = new AttributionOptions { Steps = 6 };
        Tensor[][] perSample = Enumerable.Range(0, 5).Select(i =>
        {
            using AttributionResult single = ig.Attribute(x.Select(t => t[i..(i + 1)]).ToArray(), AttributionTarget.PredictedClass, options);
            return single.PerModality.Select(a => a.clone()).ToArray();
        }).ToArray();
        foreach (int? internalBatch in new int?[] { 1, 4, 7, 30, null })
        {
            using AttributionResult batched = ig.Attribute(x, AttributionTarget.PredictedClass, options with { InternalBatchSize = internalBatch });
            for (int m = 0; m < Sizes.Length; m++)
            {
                Tensor expected = cat(perSample.Select(s => s[m]).ToArray(), 0);
                Assert.True(MaxDifference(batched.PerModality[m], expected) < 1e-12, $"internal batch {internalBatch}, modality {m}");
            }
        }
    }

    [Fact]
    public void Ig_in_training_mode_leaves_batchnorm_statistics_and_training_flags_untouched()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var encoders = new (string, ModalityEncoder)[]
        {
            ("audio", new SpectrogramEncoder(new ResNet2d(1, 4, new[] { 1 }, imageNetStem: false))),
            ("vector", new MlpEncoder(3, new long[] { 4 })),
        };
        var model = new MultimodalClassifier(encoders, new ConcatFusion(encoders.Select(e => e.Item2.EmbeddingSize).ToArray(), 3));
        model.train();
        Tensor[] x = { randn(3, 1, 8, 8), randn(3, 3) };
        Tensor[] before = model.buffers().Select(b => b.clone()).ToArray();
        var ig = new IntegratedGradients(model);
        foreach (AttributionLayer layer in Enum.GetValues<AttributionLayer>())
        {
            using AttributionResult result = ig.Attribute(x, AttributionTarget.Class(0), new AttributionOptions { Steps = 4, Layer = layer });
            using AttributionResult single = ig.Attribute(x.Select(t => t[..1]).ToArray(), AttributionTarget.Class(0), new AttributionOptions { Steps = 4, Layer = layer });
            // Rows must not interact: in training mode BatchNorm would normalise interpolated rows together.
            Assert.True(MaxDifference(result.PerModality[0][..1], single.PerModality[0]) < 1e-5, $"{layer}: rows interact");
        }
        Tensor[] after = model.buffers().ToArray();
        Assert.Equal(before.Length, after.Length);
        Assert.True(before.Length > 0);
        for (int i = 0; i < before.Length; i++) Assert.Equal(Values(before[i]), Values(after[i]));
        Assert.True(model.training);
        Assert.All(model.modules(), m => Assert.True(m.training));
    }

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();
}
