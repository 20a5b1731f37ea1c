using Equimodal.Attribution;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class AttributionSharesTests
{
    [Fact]
    public void Pooling_and_shares_match_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        Tensor[] attributions = { tensor(new[] { 3.0, -4.0, 0.0, 2.0 }, ScalarType.Float64).view(2, 2), tensor(new[] { 1.0, 2.0 }, ScalarType.Float64).view(2, 1) };
        Tensor l1 = AttributionShares.Shares(attributions, AttributionPooling.L1);
        Assert.Equal(new[] { 7.0 / 8, 1.0 / 8, 2.0 / 4, 2.0 / 4 }, l1.data<double>().ToArray(), new Tolerance(1e-9));
        Tensor l2 = AttributionShares.Shares(attributions, AttributionPooling.L2);
        Assert.Equal(new[] { 5.0 / 6, 1.0 / 6, 0.5, 0.5 }, l2.data<double>().ToArray(), new Tolerance(1e-9));
        Assert.Equal(new[] { (7.0 / 8 + 0.5) / 2, (1.0 / 8 + 0.5) / 2 }, AttributionShares.BatchMean(l1).data<double>().ToArray(), new Tolerance(1e-9));
        // Net sums: sample 0: 3 - 4 = -1 -> 0 against 1 (the first modality argues against the class); sample 1: 2 and 2.
        Tensor net = AttributionShares.Shares(attributions, AttributionPooling.Net);
        Assert.Equal(new[] { 0.0, 1.0, 0.5, 0.5 }, net.data<double>().ToArray(), new Tolerance(1e-9));
    }

    [Fact]
    public void Net_shares_are_zero_when_every_modality_argues_against_the_class_and_give_no_gradient_to_a_negative_sum()
    {
        using var scope = NewDisposeScope();
        Tensor first = tensor(new[] { -1.0, -2.0, 3.0, -1.0 }, ScalarType.Float64).view(2, 2).requires_grad_();
        Tensor second = tensor(new[] { -0.5, 1.0 }, ScalarType.Float64).view(2, 1).requires_grad_();
        Tensor shares = AttributionShares.Shares(new[] { first, second }, AttributionPooling.Net);
        // Sample 0: -3 and -0.5: no evidence, shares 0 and 0. Sample 1: 2 and 1: 2/3 and 1/3.
        Assert.Equal(new[] { 0.0, 0.0, 2.0 / 3, 1.0 / 3 }, shares.data<double>().ToArray(), new Tolerance(1e-9));
        shares[.., 0].sum().backward();
        // d(a / (a + b)) / da = b / (a + b)^2 = 1/9 for every entry of sample 1; sample 0 is clamped.
        Assert.Equal(new[] { 0.0, 0.0, 1.0 / 9, 1.0 / 9 }, first.grad!.data<double>().ToArray(), new Tolerance(1e-9));
    }

    [Fact]
    public void Shares_of_random_attributions_sum_to_one_per_sample()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        Tensor[] attributions = { randn(6, 2, 3), randn(6, 5), randn(6) };
        foreach (AttributionPooling pooling in Enum.GetValues<AttributionPooling>())
        {
            Tensor sums = AttributionShares.Shares(attributions, pooling).sum(1);
            Assert.True((sums - 1).abs().max().item<float>() < 1e-5);
        }
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < epsilon;

        public int GetHashCode(double value) => 0;
    }
}
