using Equimodal.Attribution;
using Equimodal.Models;
using TorchSharp;
using static Equimodal.Tests.Attribution.AttributionModels;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class PerturbationMethodsTests
{
    /// <summary>A spectrogram-like [channels, mels, time] and a video-like [frames, channels, height, width] modality.</summary>
    private static readonly long[][] Shapes = { new long[] { 1, 4, 6 }, new long[] { 2, 1, 4, 4 } };

    private static Tensor[] RandomInputs(long batch, IReadOnlyList<long[]> shapes, int seed)
    {
        torch.manual_seed(seed);
        return shapes.Select(s => randn(new[] { batch }.Concat(s).ToArray(), ScalarType.Float64)).ToArray();
    }

    /// <summary>Logit 0 is sum over modalities of sum(w_m * x_m); logit 1 is its negative.</summary>
    private static LogitsFunction Linear(Tensor[] weights) => inputs =>
    {
        Tensor score = inputs.Select((x, m) => (x * weights[m]).flatten(1).sum(1)).Aggregate((a, b) => a + b);
        return stack(new[] { score, -score }, 1);
    };

    /// <summary>Interactions inside and across modalities, so no method is exact by accident.</summary>
    private static Tensor Nonlinear(IReadOnlyList<Tensor> inputs)
    {
        Tensor a = inputs[0].flatten(1), v = inputs[1].flatten(1);
        Tensor score = (a.narrow(1, 0, 12).sum(1)).tanh() * v.narrow(1, 8, 16).sum(1) + a.square().sum(1) * 0.1 + (v.sum(1) * 0.3).sin();
        return stack(new[] { score, score * 0.5 }, 1);
    }

    /// <summary>Sum of w * (x - b) over each group of every modality [batch, groups]: the closed form on a linear model.</summary>
    private static Tensor LinearGroupValues(Tensor[] weights, Tensor[] x, Tensor[] baselines, IReadOnlyList<Segmentation> segmentations)
    {
        var perModality = new List<Tensor>();
        for (int m = 0; m < x.Length; m++)
        {
            var (groups, count) = segmentations[m].Assign(x[m].shape.Skip(1).ToArray());
            Tensor contribution = ((x[m] - baselines[m]) * weights[m]).flatten(1);
            perModality.Add(zeros(x[m].shape[0], count, ScalarType.Float64).index_add(1, tensor(groups), contribution, 1));
        }
        return cat(perModality.ToArray(), 1);
    }

    [Fact]
    public void Band_segmentation_assigns_the_hand_computed_groups_and_defaults_follow_the_rank()
    {
        // [1, 4, 5] in 2 x 3 bands: element (r, c) is in group floor(2r / 4) * 3 + floor(3c / 5).
        var (groups, count) = Segmentation.Bands(1, 2, 3).Assign(new long[] { 1, 4, 5 });
        Assert.Equal(6, count);
        Assert.Equal(new long[] { 0, 0, 1, 1, 2 }, groups.Take(5));
        Assert.Equal(new long[] { 3, 3, 4, 4, 5 }, groups.Skip(15).Take(5));
        Assert.Equal(32, Segmentation.Default(new long[] { 1, 32, 51 }).Assign(new long[] { 1, 32, 51 }).Groups);
        Assert.Equal(2 * 16, Segmentation.Default(new long[] { 2, 1, 28, 28 }).Assign(new long[] { 2, 1, 28, 28 }).Groups);
        Assert.Equal(3, Segmentation.Default(new long[] { 3 }).Assign(new long[] { 3 }).Groups);
        // A mask's labels are renumbered in increasing order.
        var (masked, maskedCount) = Segmentation.FromMask(tensor(new long[] { 7, 3, 7, 9 })).Assign(new long[] { 4 });
        Assert.Equal(3, maskedCount);
        Assert.Equal(new long[] { 1, 0, 1, 2 }, masked);
    }

    [Fact]
    public void KernelShap_with_every_coalition_equals_the_exact_shapley_values_of_the_same_groups()
    {
        using var scope = NewDisposeScope();
        Segmentation[] segmentations = { Segmentation.Bands(1, 2, 2), Segmentation.Bands(1, 1, 1, 3) };
        Tensor[] x = RandomInputs(3, Shapes, seed: 4);
        Tensor[] baselines = RandomInputs(1, Shapes, seed: 5).Select(b => b[0]).ToArray();
        using AttributionResult result = new KernelShap().Attribute(Nonlinear, x, AttributionTarget.Class(0),
            new AttributionOptions { Segmentations = segmentations, Baselines = baselines });

        // Brute force over the 2^7 coalitions of the 4 + 3 groups.
        var assignments = segmentations.Select((s, m) => s.Assign(Shapes[m])).ToArray();
        int players = assignments.Sum(a => a.Groups);
        Assert.Equal(7, players);
        Tensor[] values = Enumerable.Range(0, 1 << players).Select(coalition =>
        {
            int offset = 0;
            var inputs = new Tensor[x.Length];
            for (int m = 0; m < x.Length; m++)
            {
                int first = offset;
                bool[] present = assignments[m].GroupOfElement.Select(g => (coalition >> (first + (int)g) & 1) == 1).ToArray();
                Tensor keep = tensor(present.Select(p => p ? 1.0 : 0.0).ToArray(), ScalarType.Float64).view(Shapes[m]);
                inputs[m] = baselines[m] + keep * (x[m] - baselines[m]);
                offset += assignments[m].Groups;
            }
            return Nonlinear(inputs)[.., 0];
        }).ToArray();
        Tensor exact = stack(Equimodal.Models.ModalityCoalitions.Shapley(values), 1);
        Assert.True(exact.abs().max().item<double>() > 0.05);
        Assert.True(MaxDifference(result.GroupValues!, exact) < 1e-10);
        Assert.True(result.Delta!.abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void Sampled_KernelShap_on_a_linear_model_equals_the_closed_form()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(2, Shapes, seed: 6), weights = RandomInputs(1, Shapes, seed: 7).Select(w => w[0]).ToArray();
        Tensor[] baselines = RandomInputs(1, Shapes, seed: 8).Select(b => b[0]).ToArray();
        // Default segmentations: 4 x 8 bands (clipped to 4 x 6) and 2 frames x 4 x 4 patches = 24 + 32 groups, far too many to enumerate.
        var options = new AttributionOptions { Baselines = baselines, PerturbationSamples = 300, Seed = 3 };
        using AttributionResult result = new KernelShap().Attribute(Linear(weights), x, AttributionTarget.Class(0), options);
        Tensor expected = LinearGroupValues(weights, x, baselines, Shapes.Select(s => Segmentation.Default(s)).ToArray());
        Assert.Equal(56, expected.shape[1]);
        Assert.True(MaxDifference(result.GroupValues!, expected) < 1e-9);
        // Spread over the elements, each modality sums to its groups' total.
        Assert.True(MaxDifference(result.PerModality[0].flatten(1).sum(1), expected.narrow(1, 0, 24).sum(1)) < 1e-9);
    }

    [Fact]
    public void Sampled_KernelShap_is_efficient_seeded_and_changes_with_the_seed()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(2, Shapes, seed: 9);
        var options = new AttributionOptions { PerturbationSamples = 200, Seed = 1 };
        using AttributionResult first = new KernelShap().Attribute(Nonlinear, x, AttributionTarget.Class(1), options);
        using AttributionResult again = new KernelShap().Attribute(Nonlinear, x, AttributionTarget.Class(1), options);
        using AttributionResult other = new KernelShap().Attribute(Nonlinear, x, AttributionTarget.Class(1), options with { Seed = 2 });
        Tensor expected = Nonlinear(x)[.., 1] - Nonlinear(x.Select(t => zeros_like(t)).ToArray())[.., 1];
        Tensor total = first.PerModality.Select(a => a.flatten(1).sum(1)).Aggregate((a, b) => a + b);
        Assert.True(MaxDifference(total, expected) < 1e-9);
        Assert.True(first.Delta!.abs().max().item<double>() < 1e-9);
        // The same coalitions; the least-squares solver may round differently from call to call (memory alignment).
        Assert.True(MaxDifference(first.GroupValues!, again.GroupValues!) < 1e-12);
        Assert.True(MaxDifference(first.GroupValues!, other.GroupValues!) > 1e-6);
    }

    [Fact]
    public void Occlusion_with_a_one_feature_window_on_a_linear_model_equals_gradient_times_input_against_the_same_baseline()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(3, Shapes, seed: 10), weights = RandomInputs(1, Shapes, seed: 11).Select(w => w[0]).ToArray();
        var ones = new AttributionOptions { OcclusionWindows = Shapes.Select(s => s.Select(_ => 1L).ToArray()).ToArray() };
        using AttributionResult occlusion = new Occlusion().Attribute(Linear(weights), x, AttributionTarget.Class(0), ones);
        using AttributionResult gxi = new GradientTimesInput().Attribute(Linear(weights), x, AttributionTarget.Class(0));
        for (int m = 0; m < x.Length; m++) Assert.True(MaxDifference(occlusion.PerModality[m], gxi.PerModality[m]) < 1e-12);

        // Against a non-zero baseline, the gradient times (x - b).
        Tensor[] baselines = RandomInputs(1, Shapes, seed: 12).Select(b => b[0]).ToArray();
        using AttributionResult shifted = new Occlusion().Attribute(Linear(weights), x, AttributionTarget.Class(1), ones with { Baselines = baselines });
        using AttributionResult gradient = new Saliency().Attribute(Linear(weights), x, AttributionTarget.Class(1), new AttributionOptions { AbsoluteSaliency = false });
        for (int m = 0; m < x.Length; m++) Assert.True(MaxDifference(shifted.PerModality[m], (x[m] - baselines[m]) * gradient.PerModality[m]) < 1e-12);
    }

    [Fact]
    public void Occlusion_averages_the_drops_of_the_windows_covering_each_feature()
    {
        using var scope = NewDisposeScope();
        // Five features, window 2, stride 2: windows at 0, 2 and (aligned with the end) 3; each element gets half its window's drop.
        Tensor w = tensor(new[] { 1.0, 2.0, 3.0, 4.0, 5.0 }, ScalarType.Float64), x = tensor(new[] { 1.0, -1.0, 2.0, 0.5, -2.0 }, ScalarType.Float64).unsqueeze(0);
        using AttributionResult result = new Occlusion().Attribute(Linear(new[] { w }), new[] { x }, AttributionTarget.Class(0),
            new AttributionOptions { OcclusionWindows = new[] { new long[] { 2 } } });
        double[] c = (w * x[0]).data<double>().ToArray();
        double[] expected = { (c[0] + c[1]) / 2, (c[0] + c[1]) / 2, (c[2] + c[3]) / 2, (c[2] + c[3] + c[3] + c[4]) / 4, (c[3] + c[4]) / 2 };
        Assert.Equal(expected, result.PerModality[0][0].data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Feature_ablation_on_a_linear_model_removes_exactly_each_group_term()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(2, Shapes, seed: 13), weights = RandomInputs(1, Shapes, seed: 14).Select(w => w[0]).ToArray();
        Segmentation[] segmentations = { Segmentation.FromMask(tensor(Enumerable.Range(0, 24).Select(i => (long)(i % 5)).ToArray()).view(Shapes[0])), Segmentation.Bands(2, 1, 2, 1) };
        using AttributionResult result = new FeatureAblation().Attribute(Linear(weights), x, AttributionTarget.Class(0), new AttributionOptions { Segmentations = segmentations });
        Tensor expected = LinearGroupValues(weights, x, x.Select(t => zeros_like(t[0])).ToArray(), segmentations);
        Assert.Equal(5 + 4, expected.shape[1]);
        Assert.True(MaxDifference(result.GroupValues!, expected) < 1e-12);
    }

    [Fact]
    public void Lime_recovers_the_group_weights_of_a_linear_model()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(2, Shapes, seed: 15), weights = RandomInputs(1, Shapes, seed: 16).Select(w => w[0]).ToArray();
        Tensor[] baselines = RandomInputs(1, Shapes, seed: 17).Select(b => b[0]).ToArray();
        using AttributionResult result = new Lime().Attribute(Linear(weights), x, AttributionTarget.Class(1),
            new AttributionOptions { Baselines = baselines, PerturbationSamples = 200, LimeKernelWidth = 0.5 });
        Tensor expected = -LinearGroupValues(weights, x, baselines, Shapes.Select(s => Segmentation.Default(s)).ToArray());
        Assert.True(MaxDifference(result.GroupValues!, expected) < 1e-9);
    }

    [Fact]
    public void Every_method_gives_an_ignored_modality_nothing_as_the_modality_shapley_values_do()
    {
        using var scope = NewDisposeScope();
        // The score reads modality 0 only (nonlinearly); modality 1 is ignored.
        LogitsFunction f = inputs => Nonlinear(new[] { inputs[0], zeros_like(inputs[1]) });
        Tensor[] x = RandomInputs(3, Shapes, seed: 18);
        using AttributionResult shapley = new ShapleyValues().Attribute(f, x, AttributionTarget.Class(0));
        Assert.Equal(0.0, shapley.PerModality[1].abs().max().item<double>());
        var options = new AttributionOptions { PerturbationSamples = 256 };
        foreach (AttributionMethod method in new AttributionMethod[] { new Occlusion(), new FeatureAblation(), new KernelShap(), new Lime() })
        {
            using AttributionResult result = method.Attribute(f, x, AttributionTarget.Class(0), options);
            Tensor shares = AttributionShares.Shares(result.PerModality);
            Assert.True(shares[.., 0].min().item<double>() > 1 - 1e-9, method.GetType().Name);
            Assert.True(result.PerModality[0].abs().sum().item<double>() > 1e-3, method.GetType().Name);
        }
    }

    [Fact]
    public void KernelShap_groups_of_an_additive_model_sum_to_the_modality_shapley_values()
    {
        using var scope = NewDisposeScope();
        // Additive across modalities, nonlinear inside each: the groups of a modality share exactly its Shapley value.
        LogitsFunction f = inputs =>
        {
            Tensor score = inputs[0].flatten(1).sum(1).tanh() * 2 + (inputs[1].flatten(1).square().sum(1) * 0.2).sin();
            return stack(new[] { score, -score }, 1);
        };
        Tensor[] x = RandomInputs(3, Shapes, seed: 19);
        var options = new AttributionOptions { Segmentations = new[] { Segmentation.Bands(1, 2, 3), Segmentation.Bands(2, 1, 1, 2) } };
        using AttributionResult groups = new KernelShap().Attribute(f, x, AttributionTarget.Class(0), options);
        using AttributionResult modalities = new ShapleyValues().Attribute(f, x, AttributionTarget.Class(0));
        Assert.True(MaxDifference(groups.GroupValues!.narrow(1, 0, 6).sum(1), modalities.PerModality[0]) < 1e-10);
        Assert.True(MaxDifference(groups.GroupValues!.narrow(1, 6, 4).sum(1), modalities.PerModality[1]) < 1e-10);
    }

    [Fact]
    public void Chunked_evaluation_gives_the_same_values_one_forward_per_chunk_and_reports_progress()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = RandomInputs(3, Shapes, seed: 20);
        int forwards = 0;
        LogitsFunction counted = inputs => { forwards++; return Nonlinear(inputs); };
        var progress = new List<(long Done, long Total)>();
        var options = new AttributionOptions { Segmentations = new[] { Segmentation.Bands(1, 2, 2), Segmentation.Bands(1, 1, 1, 2) } };
        using AttributionResult whole = new FeatureAblation().Attribute(Nonlinear, x, AttributionTarget.Class(0), options);
        using AttributionResult chunked = new FeatureAblation().Attribute(counted, x, AttributionTarget.Class(0),
            options with { InternalBatchSize = 4, Progress = (done, total) => progress.Add((done, total)) });
        Assert.True(MaxDifference(whole.GroupValues!, chunked.GroupValues!) < 1e-12);
        // 3 samples x (6 groups + the unperturbed input) = 21 rows in chunks of 4.
        Assert.Equal(6, forwards);
        Assert.Equal(new long[] { 4, 8, 12, 16, 20, 21 }, progress.Select(p => p.Done));
        Assert.All(progress, p => Assert.Equal(21, p.Total));
    }

    [Fact]
    public void Perturbation_methods_run_on_a_model_and_refuse_differentiable_mode()
    {
        using var scope = NewDisposeScope();
        long[] sizes = { 3, 4 };
        MultimodalClassifier model = Mlp(sizes, classes: 3, fusion: "gated");
        Tensor[] x = Inputs(4, sizes);
        using AttributionResult result = new KernelShap(model).Attribute(x, AttributionTarget.PredictedClass);
        Tensor predicted = Logits(model, x).argmax(1);
        Tensor logits = Logits(model, x), empty = Logits(model, x.Select(t => zeros_like(t)).ToArray());
        Tensor expected = logits.gather(1, predicted.unsqueeze(1)).squeeze(1) - empty.gather(1, predicted.unsqueeze(1)).squeeze(1);
        // 3 + 4 groups: every coalition is enumerated, so these are the exact Shapley values of the features.
        Assert.True(MaxDifference(result.GroupValues!.sum(1), expected) < 1e-10);
        Assert.Throws<NotSupportedException>(() => new Lime(model).Attribute(x, AttributionTarget.Class(0), new AttributionOptions { Differentiable = true }));
    }
}
