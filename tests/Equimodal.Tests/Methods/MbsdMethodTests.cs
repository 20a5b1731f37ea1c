using Equimodal.Methods;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class MbsdMethodTests
{
    [Fact]
    public void Weights_are_the_true_class_gap_where_either_modality_is_right()
    {
        float ln3 = (float)Math.Log(3);
        using Tensor a = tensor(new[] { ln3, 0, 0, ln3 }).reshape(2, 2), b = tensor(new[] { 0, ln3, 0, ln3 }).reshape(2, 2);
        using Tensor labels = tensor(new long[] { 0, 0 });
        // Sample 0: p_a,y = 0.75 (right), p_b,y = 0.25: w = 0.5. Sample 1: both wrong: w = 0.
        float[] weights = MbsdMethod.SampleWeights(a, b, labels).data<float>().ToArray();
        Assert.Equal(0.5, weights[0], 6);
        Assert.Equal(0, weights[1]);
    }

    [Fact]
    public void Pair_term_is_weighted_logit_distance_plus_kl_from_the_stronger_modality()
    {
        float ln3 = (float)Math.Log(3);
        using Tensor a = tensor(new[] { ln3, 0 }).reshape(1, 2).requires_grad_(), b = zeros(1, 2).requires_grad_();
        using Tensor labels = tensor(new long[] { 0 });
        // w = 0.75 - 0.5; RS = (ln 3)^2 / 2; KL([.75, .25] || [.5, .5]) = .75 ln 1.5 + .25 ln .5.
        double expected = 0.25 * (Math.Log(3) * Math.Log(3) / 2 + 0.75 * Math.Log(1.5) + 0.25 * Math.Log(0.5));
        Tensor term = MbsdMethod.PairTerm(a, b, labels);
        Assert.Equal(expected, term.item<float>(), 5);
        term.backward();
        // The weight is a constant and the stronger side is the teacher: a's gradient is w d RS / da = w (a - b) alone.
        Assert.Equal(new[] { 0.25 * Math.Log(3), 0 }.Select(x => (float)x), a.grad!.data<float>().ToArray(), (x, y) => Math.Abs(x - y) < 1e-5);
    }

    [Fact]
    public void Distillation_averages_the_pair_terms_over_every_pair_of_modalities()
    {
        float ln3 = (float)Math.Log(3);
        using Tensor a = tensor(new[] { ln3, 0 }).reshape(1, 2), b = zeros(1, 2), c = zeros(1, 2);
        using Tensor labels = tensor(new long[] { 0 });
        // (a, b) and (a, c) are the pair of the test above; b and c are equally confident, so w = 0 for (b, c).
        double pair = 0.25 * (Math.Log(3) * Math.Log(3) / 2 + 0.75 * Math.Log(1.5) + 0.25 * Math.Log(0.5));
        Assert.Equal(2 * pair / 3, MbsdMethod.Distillation(new[] { a, b, c }, labels).item<float>(), 5);
        Assert.Equal(pair, MbsdMethod.Distillation(new[] { a, b }, labels).item<float>(), 5);
    }
}
