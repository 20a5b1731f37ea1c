using Equimodal.Methods.AttributionRegularization;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods.AttributionRegularization;

public class SharePenaltyTests
{
    [Fact]
    public void Distances_and_penalty_modes_match_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        Tensor shares = tensor(new float[] { 0.8f, 0.2f, 0.4f, 0.6f }).view(2, 2);
        double[] uniform = { 0.5, 0.5 };
        Assert.Equal(0.4, new SharePenalty("l1", false).Of(shares, uniform).item<float>(), 6);
        Assert.Equal(0.1, new SharePenalty("l2", false).Of(shares, uniform).item<float>(), 6);
        double kl = (0.5 * Math.Log(0.5 / 0.8) + 0.5 * Math.Log(0.5 / 0.2) + 0.5 * Math.Log(0.5 / 0.4) + 0.5 * Math.Log(0.5 / 0.6)) / 2;
        Assert.Equal(kl, new SharePenalty("kl", false).Of(shares, uniform).item<float>(), 6);
        // Batch mode: the distance of the mean shares [0.6, 0.4].
        Assert.Equal(0.2, new SharePenalty("l1", true).Of(shares, uniform).item<float>(), 6);
        Assert.Equal(0.2, new SharePenalty("l1", true).Of(shares, new[] { 0.7, 0.3 }).item<float>(), 6);
        Assert.Contains("Valid distances: l1, l2, kl", Assert.Throws<ArgumentException>(() => new SharePenalty("l3", false).Of(shares, uniform)).Message);
    }

    [Fact]
    public void Sample_weights_give_a_weighted_mean_of_distances_or_the_distance_of_weighted_mean_shares()
    {
        using var scope = NewDisposeScope();
        Tensor shares = tensor(new float[] { 0.8f, 0.2f, 0.1f, 0.9f, 0.3f, 0.7f }).view(3, 2);
        Tensor weights = tensor(new float[] { 1, 0, 3 });
        // Per sample: |0.8 - 0.5| * 2 = 0.6 and |0.3 - 0.5| * 2 = 0.4, weighted (1 * 0.6 + 3 * 0.4) / 4 = 0.45.
        Assert.Equal(0.45, new SharePenalty("l1", false).Of(shares, new[] { 0.5, 0.5 }, weights).item<float>(), 6);
        // Batch: weighted mean shares (0.8 + 0.9) / 4 = 0.425, distance 2 * 0.075 = 0.15.
        Assert.Equal(0.15, new SharePenalty("l1", true).Of(shares, new[] { 0.5, 0.5 }, weights).item<float>(), 6);
        Assert.Equal(0.0, new SharePenalty("l1", true).Of(shares, new[] { 0.5, 0.5 }, zeros(3)).item<float>(), 6);
        // Weights 1 everywhere give the unweighted penalty.
        Assert.Equal(new SharePenalty("l2", false).Of(shares, new[] { 0.5, 0.5 }).item<float>(), new SharePenalty("l2", false).Of(shares, new[] { 0.5, 0.5 }, ones(3)).item<float>(), 6);
    }
}
