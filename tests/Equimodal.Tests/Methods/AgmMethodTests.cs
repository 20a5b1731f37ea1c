using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class AgmMethodTests
{
    private static AgmMethod Create(params string[] options) => (AgmMethod)MethodRegistry.Create("agm", MethodSettings.Parse(options));

    [Fact]
    public void Two_modality_responses_match_the_hand_computed_shapley_values()
    {
        // f(a, v) = a v + 2a + 3v at a = 2, v = 5: f(a,v) = 29, f(0,v) = 15, f(a,0) = 4, f(0,0) = 0;
        // phi_a = ((29 - 15) + (4 - 0)) / 2 = 9, phi_v = ((29 - 4) + (15 - 0)) / 2 = 20.
        static Tensor F(IReadOnlyList<Tensor> e) => e[0] * e[1] + 2 * e[0] + 3 * e[1];
        Tensor[] phi = AgmMethod.ShapleyResponses(F, new[] { full(1, 1, 2f), full(1, 1, 5f) });
        Assert.Equal(9f, phi[0].item<float>(), 5);
        Assert.Equal(20f, phi[1].item<float>(), 5);
    }

    [Fact]
    public void Responses_of_a_tiny_model_sum_to_the_fused_logits_minus_the_empty_coalition()
    {
        using var bench = new MethodTestBench(Create());
        using var noGrad = no_grad();
        var output = bench.Model.Forward(bench.Batch.Inputs);
        Tensor[] phi = AgmMethod.ShapleyResponses(bench.Model.Fuse, output.Embeddings);
        Tensor empty = bench.Model.Fuse(output.Embeddings.Select(e => zeros_like(e)).ToArray());
        Assert.True((phi[0] + phi[1]).allclose(output.Logits - empty, rtol: 1e-5, atol: 1e-5));
        // Concat fusion is additive, so each response is the modality's own slice h_m W_m^T (its logits without b / 2).
        Tensor halfBias = ((ConcatFusion)bench.Model.Fusion).Classifier.bias! / 2;
        Assert.True(phi[0].allclose(output.ModalityLogits[0] - halfBias, rtol: 1e-5, atol: 1e-5));

        // Three modalities through a non-additive head: efficiency holds; coalition weights by size 0, 1, 2 are 1/3, 1/6, 1/3.
        Tensor[] three = { randn(4, 3), randn(4, 3), randn(4, 3) };
        static Tensor Head(IReadOnlyList<Tensor> e) => (e[0] * e[1]).tanh() + e[2] * e[0] + e[1].pow(2);
        Tensor[] shares = AgmMethod.ShapleyResponses(Head, three);
        Tensor sum = shares[0] + shares[1] + shares[2];
        Assert.True(sum.allclose(Head(three) - Head(three.Select(e => zeros_like(e)).ToArray()), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(new[] { 1 / 3.0, 1 / 6.0, 1 / 3.0 }, new[] { ModalityCoalitions.Weight(0, 3), ModalityCoalitions.Weight(1, 3), ModalityCoalitions.Weight(2, 3) });
    }

    [Fact]
    public void Coefficients_follow_the_hand_computed_exponentials_and_the_gap_is_capped()
    {
        // Losses (1, 2) against averages (1.5, 1.5): r = (e, 1/e), usual r = (1, 1); k = exp(1.5 (1 - e)), exp(1.5 (1 - 1/e)).
        double[] k = AgmMethod.Coefficients(new[] { 1.0, 2.0 }, new[] { 1.5, 1.5 }, alpha: 1.5);
        Assert.Equal(0.07596954500020056, k[0], 10);
        Assert.Equal(2.5810101111037196, k[1], 10);
        // The modality that runs ahead of its usual standing (lower loss) is slowed, the lagging one sped up.
        Assert.True(k[0] < 1 && k[1] > 1);
        // Gap capped at 10: averages (0, 20), losses (1, 1): usual r_a = exp(20), gap capped, k_a = exp(1.5 * 10).
        Assert.Equal(3269017.3724721107, AgmMethod.Coefficients(new[] { 1.0, 1.0 }, new[] { 0.0, 20.0 }, 1.5)[0], 3);
        // N modalities: r_m = exp(mean of the others - s_m).
        double[] r = AgmMethod.Ratios(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(Math.Exp(1.5), r[0], 12);
        Assert.Equal(1, r[1], 12);
        Assert.Equal(Math.Exp(-1.5), r[2], 12);
    }

    [Fact]
    public void Encoder_gradients_are_scaled_by_the_coefficients_of_the_hand_computed_response_losses()
    {
        var method = Create();
        using var bench = new MethodTestBench(method);
        var (step, _) = bench.ForwardBackward(epoch: 0);

        double[] losses;
        using (no_grad())
        {
            var output = bench.Model.Forward(bench.Batch.Inputs);
            Tensor halfBias = ((ConcatFusion)bench.Model.Fusion).Classifier.bias! / 2;
            losses = output.ModalityLogits.Select(z => (double)nn.functional.cross_entropy(z - halfBias, bench.Batch.Labels).item<float>()).ToArray();
        }
        Assert.Equal(losses, method.LastResponseLosses.ToArray(), new Tolerance(1e-4));
        // First step: the running average is still zero, so the usual ratios are 1.
        double[] expected = AgmMethod.Coefficients(losses, new[] { 0.0, 0.0 }, 1.5);
        Assert.Equal(expected, method.LastCoefficients.ToArray(), new Tolerance(1e-3));
        Assert.Equal(losses, method.AverageResponseLosses.ToArray(), new Tolerance(1e-4));

        Dictionary<string, Tensor> before = bench.Gradients();
        method.AdjustGradients(step);
        Dictionary<string, Tensor> after = bench.Gradients();
        foreach (var (name, grad) in after)
        {
            int m = name.StartsWith("fusion", StringComparison.Ordinal) ? -1 : bench.Model.ModalityNames.ToList().FindIndex(n => name.Contains($"{n}.", StringComparison.Ordinal));
            Tensor scaled = m < 0 ? before[name] : before[name] * method.LastCoefficients[m];
            Assert.True(grad.allclose(scaled, rtol: 1e-5, atol: 1e-9), name);
        }
    }

    [Fact]
    public void Running_average_is_the_mean_of_all_steps_and_survives_a_save_load_round_trip()
    {
        var method = Create();
        using var bench = new MethodTestBench(method);
        method.OnEpochStart(0);
        bench.ForwardBackward(epoch: 0);
        double[] first = method.LastResponseLosses.ToArray();
        bench.Optimizer.step();
        bench.ForwardBackward(epoch: 0);
        double[] second = method.LastResponseLosses.ToArray();
        Assert.Equal(new[] { (first[0] + second[0]) / 2, (first[1] + second[1]) / 2 }, method.AverageResponseLosses.ToArray(), new Tolerance(1e-9));
        IReadOnlyDictionary<string, double> metrics = method.EpochMetrics();
        Assert.Equal((first[1] + second[1]) / 2, metrics["agm.loss.visual"], 9);
        Assert.True(metrics["agm.k.audio"] > 0);

        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        var restored = Create();
        restored.Setup(new MethodContext(bench.Model, bench.Optimizer, TestData.Small, TestData.ShortTraining, CPU));
        restored.LoadState(state);
        Assert.Equal(method.AverageResponseLosses.ToArray(), restored.AverageResponseLosses.ToArray());
        var step = new StepInfo(0, 2, 2, 3);
        method.ComputeLoss(bench.Batch, step);
        restored.ComputeLoss(bench.Batch, step);
        Assert.Equal(method.LastCoefficients.ToArray(), restored.LastCoefficients.ToArray());
        Assert.Equal(method.AverageResponseLosses.ToArray(), restored.AverageResponseLosses.ToArray());
        Assert.Throws<InvalidOperationException>(() => Create().LoadState(new Dictionary<string, Tensor>()));
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
