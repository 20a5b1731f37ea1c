using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class OpmMethodTests
{
    [Fact]
    public void Only_the_dominant_modality_is_dropped_with_the_hand_computed_probability()
    {
        // rho = [3, 1/3]: q_0 = 0.4 (1 + 0.5 tanh(2)), q_1 = 0.
        double[] two = OpmMethod.DropProbabilities(new[] { 3.0, 1.0 }, 0.4, 0.5);
        Assert.Equal(0.4 * (1 + 0.5 * Math.Tanh(2)), two[0], 12);
        Assert.Equal(0, two[1]);
        // Three modalities: rho_0 = 2 / mean(1, 1) = 2, the others 1 / 1.5.
        double[] three = OpmMethod.DropProbabilities(new[] { 2.0, 1.0, 1.0 }, 0.4, 0.5);
        Assert.Equal(new[] { 0.4 * (1 + 0.5 * Math.Tanh(1)), 0, 0 }, three);
        Assert.Equal(1, OpmMethod.DropProbabilities(new[] { 100.0, 1.0 }, 0.9, 0.5)[0]);
        Assert.Equal(0.6 * 8 / 32, OpmMethod.DroppedFraction(new[] { 0.6, 0 }, new long[] { 8, 24 }), 12);
    }

    [Fact]
    public void A_modulated_step_trains_on_kept_rescaled_features_and_no_dropping_means_joint()
    {
        using var never = new MethodTestBench(MethodRegistry.Create("opm", MethodSettings.Parse(new[] { "p-exe=0" })));
        var (_, plain) = never.ForwardBackward(epoch: 0);
        using (no_grad())
        {
            Tensor joint = nn.functional.cross_entropy(never.Model.Forward(never.Batch.Inputs).Logits, never.Batch.Labels);
            Assert.Equal(joint.item<float>(), plain.Loss.item<float>(), 6);
        }
        using var always = new MethodTestBench(MethodRegistry.Create("opm", MethodSettings.Parse(new[] { "p-exe=1", "q-base=1" })));
        var (_, dropped) = always.ForwardBackward(epoch: 0);
        using var noGrad = no_grad();
        // q = 1 for the dominant modality: its features are gone from every sample, the other's scaled by 1 / (1 - theta).
        var full = always.Model.Forward(always.Batch.Inputs);
        double[] scores = full.ModalityLogits.Select(z => TrueClass.Score(z, always.Batch.Labels)).ToArray();
        int dominant = scores[0] > scores[1] ? 0 : 1;
        long[] widths = full.Embeddings.Select(e => e.shape[1]).ToArray();
        double theta = (double)widths[dominant] / widths.Sum();
        Tensor[] kept = full.Embeddings.Select((e, m) => m == dominant ? zeros_like(e) : e / (1 - theta)).ToArray();
        Tensor expected = nn.functional.cross_entropy(always.Model.Fuse(kept), always.Batch.Labels);
        Assert.Equal(expected.item<float>(), dropped.Loss.item<float>(), 5);
    }
}
