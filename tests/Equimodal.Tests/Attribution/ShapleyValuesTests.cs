using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static Equimodal.Tests.Attribution.AttributionModels;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class ShapleyValuesTests
{
    private static readonly long[] Sizes = { 3, 4, 2 };

    [Fact]
    public void Two_player_values_match_the_hand_computed_formula()
    {
        using var scope = NewDisposeScope();
        // v(empty) = 1, v({0}) = 4, v({1}) = 2, v({0,1}) = 10.
        Tensor[] values = new[] { 1.0, 4.0, 2.0, 10.0 }.Select(v => tensor(v, ScalarType.Float64)).ToArray();
        Tensor[] phi = ModalityCoalitions.Shapley(values);
        Assert.Equal(0.5 * (4 - 1) + 0.5 * (10 - 2), phi[0].item<double>(), 12);
        Assert.Equal(0.5 * (2 - 1) + 0.5 * (10 - 4), phi[1].item<double>(), 12);
    }

    [Fact]
    public void Values_are_efficient_sum_to_v_all_minus_measured_v_empty()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3, fusion: "gated");
        Tensor[] x = Inputs(5, Sizes);
        foreach (AttributionOutput output in Enum.GetValues<AttributionOutput>())
        {
            using AttributionResult result = new ShapleyValues(model).Attribute(x, AttributionTarget.Class(2), new AttributionOptions { Output = output });
            Tensor Value(Tensor[] inputs) => output == AttributionOutput.Logit ? Logits(model, inputs)[.., 2] : Logits(model, inputs).softmax(1)[.., 2];
            Tensor expected = Value(x) - Value(x.Select(t => zeros_like(t)).ToArray());
            Assert.True(expected.abs().max().item<double>() > 1e-3);
            Tensor total = result.PerModality.Aggregate((a, b) => a + b);
            Assert.True(MaxDifference(total, expected) < 1e-12, output.ToString());
            Assert.True(result.Delta!.abs().max().item<double>() < 1e-12);
        }
    }

    [Fact]
    public void Identical_modalities_get_equal_values_and_an_ignored_modality_gets_zero()
    {
        using var scope = NewDisposeScope();
        // f depends nonlinearly on x0 and x1 symmetrically and ignores x2.
        LogitsFunction f = inputs => stack(new[] { (inputs[0].sum(1) + inputs[1].sum(1)).tanh() + inputs[0].sum(1) * inputs[1].sum(1), zeros(inputs[0].shape[0], ScalarType.Float64) }, 1);
        Tensor shared = Inputs(4, new long[] { 3 })[0];
        Tensor[] x = { shared, shared.clone(), Inputs(4, new long[] { 3 }, seed: 9)[0] };
        using AttributionResult result = new ShapleyValues().Attribute(f, x, AttributionTarget.Class(0));
        Assert.True(result.PerModality[0].abs().sum().item<double>() > 1e-3);
        Assert.True(MaxDifference(result.PerModality[0], result.PerModality[1]) < 1e-12);
        Assert.Equal(0.0, result.PerModality[2].abs().max().item<double>());
        // The gradient methods agree that the ignored modality contributes nothing.
        using AttributionResult ig = new IntegratedGradients().Attribute(f, x, AttributionTarget.Class(0), new AttributionOptions { Steps = 4 });
        Assert.Equal(0.0, ig.PerModality[2].abs().max().item<double>());
    }

    [Fact]
    public void Ablation_on_a_linear_model_removes_exactly_each_modality_term()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3);
        Tensor weight = ((ConcatFusion)model.Fusion).Classifier.weight!.detach();
        Tensor[] x = Inputs(4, Sizes);
        using AttributionResult result = new ModalityAblation(model).Attribute(x, AttributionTarget.Class(0));
        Assert.True(MaxDifference(result.PerModality[0], x[0].matmul(weight[0, ..3])) < 1e-12);
        Assert.True(MaxDifference(result.PerModality[2], x[2].matmul(weight[0, 7..])) < 1e-12);
    }

    [Fact]
    public void Dataset_accuracy_values_are_efficient_and_the_full_coalition_is_the_plain_accuracy()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3, fusion: "gated");
        Tensor[] x = Inputs(40, Sizes);
        // Predictions are the labels except for the first 10 samples, so the full model's accuracy is 30/40.
        long[] predicted = Logits(model, x).argmax(1).data<long>().ToArray();
        Tensor labels = tensor(predicted.Select((c, i) => i < 10 ? (c + 1) % 3 : c).ToArray());
        var specs = Sizes.Select((d, m) => new ModalitySpec($"m{m}", ModalityKind.Vector, new[] { d })).ToArray();
        var dataset = new TensorDataset(specs, new[] { "a", "b", "c" }, x, labels);
        DatasetShapley shapley = ShapleyValues.OfAccuracy(model, dataset, batchSize: 16);
        Assert.Equal(0.75, shapley.Full, 12);
        Assert.Equal(shapley.Full - shapley.Empty, shapley.Values.Sum(), 12);
        Assert.Equal(8, shapley.CoalitionAccuracy.Count);
    }
}
