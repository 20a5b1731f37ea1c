using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class AmcoMethodTests
{
    [Fact]
    public void Mask_ratio_grows_as_a_quarter_sine_until_eps()
    {
        Assert.Equal(0, AmcoMethod.MaskRatio(0, 0.3));
        Assert.Equal(Math.Sqrt(0.5), AmcoMethod.MaskRatio(0.15, 0.3), 12);
        Assert.Equal(1, AmcoMethod.MaskRatio(0.6, 0.3), 12);
    }

    [Fact]
    public void Shares_are_each_modalitys_softmax_mass_and_masks_have_the_asked_zeros_per_sample()
    {
        using Tensor first = zeros(1, 2), second = full(1, 2, Math.Log(3));
        // softmax over [0, 0, ln 3, ln 3] = [1, 1, 3, 3] / 8.
        double[] shares = AmcoMethod.Shares(new[] { first, second });
        Assert.Equal(0.25, shares[0], 6);
        Assert.Equal(0.75, shares[1], 6);
        using Tensor mask = AmcoMethod.ClassMask(50, 10, 3);
        Assert.True(mask.sum(dim: 1).eq(7).all().item<bool>());
        // Different samples get different positions (the published mask was one row broadcast).
        Assert.False(mask[0].allclose(mask[1], rtol: 0, atol: 0) && mask[1].allclose(mask[2], rtol: 0, atol: 0) && mask[2].allclose(mask[3], rtol: 0, atol: 0));
    }

    [Fact]
    public void Loss_is_fused_plus_unimodal_cross_entropies_and_needs_an_additive_head()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("amco"));
        var (_, output) = bench.ForwardBackward(epoch: 0);
        using (no_grad())
        {
            // Epoch 0, step 0: mask ratio 0, so nothing is masked.
            var full = bench.Model.Forward(bench.Batch.Inputs);
            double expected = nn.functional.cross_entropy(full.Logits, bench.Batch.Labels).item<float>()
                + full.ModalityLogits.Sum(z => nn.functional.cross_entropy(z, bench.Batch.Labels).item<float>());
            Assert.Equal(expected, output.Loss.item<float>(), 4);
        }
        var error = Assert.Throws<ArgumentException>(() => RunPlan.CheckRequirements(MethodRegistry.Create("amco"), new[] { "a", "v" }, "gated"));
        Assert.Contains("concat, sum", error.Message);
    }
}
