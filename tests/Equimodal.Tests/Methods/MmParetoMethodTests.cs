using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class MmParetoMethodTests
{
    [Fact]
    public void Gradients_with_a_positive_cosine_get_equal_weights()
    {
        using Tensor multimodal = tensor(new[] { 1f, 0f }), unimodal = tensor(new[] { 1f, 1f });
        var (wMm, wUni, cosine) = MmParetoMethod.Weights(multimodal, unimodal);
        Assert.Equal((0.5, 0.5), (wMm, wUni));
        Assert.Equal(1 / Math.Sqrt(2), cosine, 6);
    }

    [Fact]
    public void Conflicting_gradients_get_the_min_norm_weights_of_the_hand_computed_2d_example()
    {
        // g_mm = (1, 0), g_uni = (-0.5, 1): cos < 0; alpha = (1.25 + 0.5) / (1 + 1.25 + 1) = 7/13, and the min-norm point
        // 7/13 g_mm + 6/13 g_uni = (4/13, 6/13) is orthogonal to g_mm - g_uni = (1.5, -1).
        using Tensor multimodal = tensor(new[] { 1f, 0f }), unimodal = tensor(new[] { -0.5f, 1f });
        var (wMm, wUni, cosine) = MmParetoMethod.Weights(multimodal, unimodal);
        Assert.True(cosine < 0);
        Assert.Equal(7.0 / 13, wMm, 6);
        Assert.Equal(6.0 / 13, wUni, 6);
        // Unclamped (4 - 0) / (1 + 4) = 0.8; clamped to 1 for 7/6 and to 0 for -1/6 (the min-norm point is an end of the
        // segment); 0.5 for identical gradients.
        Assert.Equal(0.8, MmParetoMethod.MinNormWeight(multimodalSquared: 1, dot: 0, unimodalSquared: 4), 12);
        Assert.Equal(1, MmParetoMethod.MinNormWeight(multimodalSquared: 1, dot: 2, unimodalSquared: 9));
        Assert.Equal(0, MmParetoMethod.MinNormWeight(multimodalSquared: 9, dot: 2, unimodalSquared: 1));
        Assert.Equal(0.5, MmParetoMethod.MinNormWeight(1, 1, 1));
    }

    [Fact]
    public void Rescaling_lengthens_to_gamma_times_the_summed_norm_but_never_shortens()
    {
        // Combined 2 * (4/13, 6/13) is shorter than the sum (0.5, 1): same direction, norm 1.5 * |sum| = 1.5 * sqrt(1.25).
        using Tensor combined = tensor(new[] { 8f / 13, 12f / 13 }), summed = tensor(new[] { 0.5f, 1f });
        using Tensor rescaled = MmParetoMethod.Rescale(combined, summed, 1.5);
        Assert.Equal(1.5 * Math.Sqrt(1.25), rescaled.norm().item<float>(), 5);
        Assert.Equal(1.5, rescaled[1].item<float>() / rescaled[0].item<float>(), 5);
        // Longer than the sum: only multiplied by gamma.
        using Tensor longer = MmParetoMethod.Rescale(tensor(new[] { 3f, 4f }), tensor(new[] { 0f, 1f }), 1.5);
        Assert.Equal(new[] { 4.5f, 6f }, longer.data<float>().ToArray());
    }

    [Fact]
    public void After_backward_encoder_gradients_equal_the_hand_recomputed_combination_and_fusion_keeps_the_sum()
    {
        var method = (MmParetoMethod)MethodRegistry.Create("mmpareto");
        using var bench = new MethodTestBench(method);
        var (step, output) = bench.ForwardBackward(epoch: 0);
        method.AdjustGradients(step);
        Dictionary<string, Tensor> actual = bench.Gradients();

        // Hand recomputation with plain backward passes, one loss at a time (train mode: batch statistics, same logits).
        var model = bench.Model;
        var fresh = model.Forward(bench.Batch.Inputs);
        Tensor fused = nn.functional.cross_entropy(fresh.Logits, bench.Batch.Labels);
        Tensor[] unimodal = fresh.ModalityLogits.Select(z => nn.functional.cross_entropy(z, bench.Batch.Labels)).ToArray();
        Assert.Equal((fused + unimodal[0] + unimodal[1]).item<float>(), output.Loss.item<float>(), 5);
        Dictionary<string, Tensor> GradientsOf(Tensor loss)
        {
            bench.Optimizer.zero_grad();
            loss.backward(retain_graph: true);
            return bench.Gradients();
        }
        Dictionary<string, Tensor> gMm = GradientsOf(fused);
        Dictionary<string, Tensor>[] gUni = unimodal.Select(GradientsOf).ToArray();
        for (int m = 0; m < 2; m++)
        {
            string prefix = $"{model.ModalityNames[m]}.";
            string[] names = actual.Keys.Where(k => k.Contains(prefix, StringComparison.Ordinal) && !k.StartsWith("fusion", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(names);
            Tensor a = cat(names.Select(n => gMm[n].flatten()).ToArray()), b = cat(names.Select(n => gUni[m][n].flatten()).ToArray());
            double aa = a.dot(a).item<float>(), bb = b.dot(b).item<float>(), ab = a.dot(b).item<float>();
            double alpha = ab > 0 ? 0.5 : Math.Clamp((bb - ab) / (aa + bb - 2 * ab), 0, 1);
            Assert.Equal(ab / Math.Sqrt(aa * bb), method.LastCosines[m], 4);
            foreach (string name in names)
            {
                Tensor combined = 2 * alpha * gMm[name] + 2 * (1 - alpha) * gUni[m][name];
                double stretch = Math.Max(1, (gMm[name] + gUni[m][name]).norm().item<float>() / combined.norm().item<float>());
                Tensor expected = combined * (1.5 * stretch);
                Assert.True(actual[name].allclose(expected, rtol: 1e-3, atol: 1e-7), name);
            }
        }
        foreach (string name in actual.Keys.Where(k => k.StartsWith("fusion", StringComparison.Ordinal)))
            Assert.True(actual[name].allclose(gMm[name] + gUni[0][name] + gUni[1][name], rtol: 1e-4, atol: 1e-7), name);
    }

    [Fact]
    public void Unused_parameters_come_back_invalid_from_autograd_grad_so_backward_can_treat_them_as_zero()
    {
        // Backward relies on this: with allow_unused an unreachable input gives an undefined tensor instead of aborting.
        using Tensor used = ones(2, requires_grad: true), unused = ones(2, requires_grad: true);
        IList<Tensor> grads = torch.autograd.grad(new[] { (used * 3).sum() }, new[] { used, unused }, allow_unused: true);
        Assert.Equal(new[] { 3f, 3f }, grads[0].data<float>().ToArray());
        Assert.True(grads[1].IsInvalid);
    }

    [Fact]
    public void Gamma_is_the_published_one_and_a_half_and_epoch_metrics_report_the_cosines()
    {
        Assert.Equal(1.5, ((MmParetoMethod)MethodRegistry.Create("mmpareto")).Gamma);
        Assert.Contains("Valid options", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("mmpareto", MethodSettings.Parse(new[] { "beta=1" }))).Message);
        var method = (MmParetoMethod)MethodRegistry.Create("mmpareto", MethodSettings.Parse(new[] { "gamma=1" }));
        using var bench = new MethodTestBench(method);
        method.OnEpochStart(0);
        method.AdjustGradients(bench.ForwardBackward(epoch: 0).Step);
        IReadOnlyDictionary<string, double> metrics = method.EpochMetrics();
        Assert.Equal(method.LastCosines[0], metrics["mmpareto.cos.audio"], 12);
        Assert.Equal(method.LastCosines[1] <= 0 ? 1 : 0, metrics["mmpareto.conflict.visual"]);
    }
}
