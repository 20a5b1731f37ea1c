using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class OgmGeMethodTests
{
    private static OgmGeMethod Create(string name, params string[] options) => (OgmGeMethod)MethodRegistry.Create(name, MethodSettings.Parse(options));

    [Fact]
    public void Published_coefficient_is_one_minus_tanh_of_alpha_rho_for_the_dominant_modality_only()
    {
        // 1 - tanh(0.8 * 3) and 1 - tanh(0.8 * (3 - 1)), computed by hand.
        Assert.Equal(0.016325142306319762, OgmGeMethod.Coefficient(3, 0.8, continuous: false), 12);
        Assert.Equal(0.07833144559352867, OgmGeMethod.Coefficient(3, 0.8, continuous: true), 12);
        Assert.Equal(1, OgmGeMethod.Coefficient(1.0 / 3, 0.8, continuous: false));
        Assert.Equal(1, OgmGeMethod.Coefficient(1, 0.8, continuous: false));
        // The published form jumps at rho = 1 (from 1 to about 1 - tanh(0.8)); the continuous one starts at 1.
        Assert.True(OgmGeMethod.Coefficient(1.0001, 0.8, continuous: false) < 0.34);
        Assert.True(OgmGeMethod.Coefficient(1.0001, 0.8, continuous: true) > 0.999);
    }

    [Fact]
    public void Ratio_compares_each_modality_with_the_mean_of_the_others()
    {
        Assert.Equal(new[] { 3.0, 1.0 / 3 }, OgmGeMethod.Ratios(new[] { 3.0, 1.0 }));
        double[] three = OgmGeMethod.Ratios(new[] { 2.0, 1.0, 3.0 });
        Assert.Equal(2.0 / 2.0, three[0], 12);
        Assert.Equal(1.0 / 2.5, three[1], 12);
        Assert.Equal(3.0 / 1.5, three[2], 12);
    }

    [Theory]
    [InlineData(PublishedCoefficientName, false)]
    [InlineData("continuous", true)]
    public void Inside_the_window_the_dominant_encoders_convolution_gradients_are_scaled_by_the_hand_computed_k(string coefficient, bool continuous)
    {
        using var bench = new MethodTestBench(Create("ogm", $"coefficient={coefficient}"), epochs: 4);
        var (step, _) = bench.ForwardBackward(epoch: 1);
        double[] expected = HandCoefficients(bench, 0.8, continuous);
        Assert.Contains(expected, k => k < 1);
        Dictionary<string, Tensor> before = bench.Gradients();
        bench.Method.AdjustGradients(step);
        Dictionary<string, Tensor> after = bench.Gradients();
        for (int m = 0; m < 2; m++)
        {
            foreach (var (name, parameter) in bench.Model.Encoder(m).named_parameters())
            {
                Tensor grad0 = before.Single(kv => kv.Key.EndsWith($"{bench.Model.ModalityNames[m]}.{name}", StringComparison.Ordinal)).Value;
                Tensor expectedGrad = parameter.dim() == 4 ? grad0 * expected[m] : grad0;
                Assert.True(parameter.grad!.allclose(expectedGrad, rtol: 1e-5, atol: 1e-9), $"{bench.Model.ModalityNames[m]} {name}");
            }
        }
        foreach (var (name, parameter) in bench.Model.Fusion.named_parameters())
            Assert.True(parameter.grad!.allclose(before.Single(kv => kv.Key.EndsWith("fusion." + name, StringComparison.Ordinal)).Value, rtol: 0, atol: 0), name);
        Assert.Equal(expected, ((OgmGeMethod)bench.Method).LastCoefficients.ToArray(), new DoubleComparer(1e-5));
    }

    [Fact]
    public void Outside_the_window_gradients_are_untouched_and_the_default_window_is_the_first_half()
    {
        var method = Create("ogm-ge");
        using var bench = new MethodTestBench(method, epochs: 4);
        Assert.Equal((0, 2), (method.ModulationStart, method.ModulationEnd));
        var (step, _) = bench.ForwardBackward(epoch: 2);
        Dictionary<string, Tensor> before = bench.Gradients();
        method.AdjustGradients(step);
        foreach (var (name, grad) in bench.Gradients()) Assert.True(grad.allclose(before[name], rtol: 0, atol: 0), name);
        Assert.All(method.LastCoefficients, k => Assert.Equal(1, k));

        var shifted = Create("ogm", "start=3", "end=4");
        using var late = new MethodTestBench(shifted, epochs: 4);
        Assert.Equal((3, 4), (shifted.ModulationStart, shifted.ModulationEnd));
        late.ForwardBackward(epoch: 0);
        Assert.All(shifted.LastCoefficients, k => Assert.Equal(1, k));
        late.ForwardBackward(epoch: 3);
        Assert.Contains(shifted.LastCoefficients, k => k < 1);
    }

    [Fact]
    public void Generalization_enhancement_adds_noise_with_the_std_of_the_unmodulated_gradient()
    {
        var method = Create("ogm-ge");
        using var bench = new MethodTestBench(method, epochs: 4);
        var (step, _) = bench.ForwardBackward(epoch: 0);
        double[] k = HandCoefficients(bench, 0.8, continuous: false);
        Dictionary<string, Tensor> before = bench.Gradients();
        torch.manual_seed(11);
        method.AdjustGradients(step);
        int checkedTensors = 0;
        for (int m = 0; m < 2; m++)
        {
            foreach (var (name, parameter) in bench.Model.Encoder(m).named_parameters())
            {
                Tensor grad0 = before.Single(kv => kv.Key.EndsWith($"{bench.Model.ModalityNames[m]}.{name}", StringComparison.Ordinal)).Value;
                if (parameter.dim() != 4)
                {
                    Assert.True(parameter.grad!.allclose(grad0, rtol: 0, atol: 0), name);
                    continue;
                }
                Tensor noise = parameter.grad! - grad0 * k[m];
                // The noise is N(0, std(grad0) + 1e-8): its sample std matches within sampling error (n >= 72 values).
                long n = noise.numel();
                double expectedStd = grad0.std().item<float>();
                double std = noise.std().item<float>();
                Assert.InRange(std / expectedStd, 1 - 5.0 / Math.Sqrt(2 * n), 1 + 5.0 / Math.Sqrt(2 * n));
                Assert.InRange(noise.mean().item<float>() / expectedStd, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
                checkedTensors++;
            }
        }
        Assert.True(checkedTensors >= 4, $"only {checkedTensors} convolution weights checked");
    }

    [Fact]
    public void Epoch_metrics_report_the_mean_coefficient_and_ratio_per_modality()
    {
        var method = Create("ogm");
        using var bench = new MethodTestBench(method, epochs: 4);
        method.OnEpochStart(0);
        bench.ForwardBackward(epoch: 0);
        double[] first = method.LastCoefficients.ToArray();
        bench.ForwardBackward(epoch: 0);
        double[] second = method.LastCoefficients.ToArray();
        IReadOnlyDictionary<string, double> metrics = method.EpochMetrics();
        Assert.Equal((first[0] + second[0]) / 2, metrics["ogm.k.audio"], 12);
        Assert.Equal((first[1] + second[1]) / 2, metrics["ogm.k.visual"], 12);
        // With two modalities rho_visual = 1 / rho_audio, and the dominant one's k = 1 - tanh(alpha * rho) gives its rho back.
        double[] Rho(double[] k)
        {
            int dominant = k[0] < 1 ? 0 : 1;
            double rho = Math.Atanh(1 - k[dominant]) / method.Alpha;
            return dominant == 0 ? new[] { rho, 1 / rho } : new[] { 1 / rho, rho };
        }
        Assert.Equal((Rho(first)[0] + Rho(second)[0]) / 2, metrics["ogm.rho.audio"], 6);
        Assert.Equal((Rho(first)[1] + Rho(second)[1]) / 2, metrics["ogm.rho.visual"], 6);
    }

    [Fact]
    public void Options_are_validated_and_all_parameters_can_be_modulated()
    {
        Assert.Contains("end=1", Assert.Throws<ArgumentException>(() => Create("ogm", "start=2", "end=1")).Message);
        Assert.Contains("Valid options", Assert.Throws<ArgumentException>(() => Create("ogm", "beta=1")).Message);
        Assert.False(Create("ogm").AddsNoise);
        Assert.True(Create("ogm-ge").AddsNoise);

        var method = Create("ogm", "parameters=all");
        using var bench = new MethodTestBench(method, epochs: 4);
        var (step, _) = bench.ForwardBackward(epoch: 0);
        double[] k = method.LastCoefficients.ToArray();
        int dominant = Array.FindIndex(k, c => c < 1);
        Dictionary<string, Tensor> before = bench.Gradients();
        method.AdjustGradients(step);
        string prefix = $"{bench.Model.ModalityNames[dominant]}.";
        foreach (var (name, parameter) in bench.Model.Encoder(dominant).named_parameters())
            Assert.True(parameter.grad!.allclose(before.Single(kv => kv.Key.EndsWith(prefix + name, StringComparison.Ordinal)).Value * k[dominant], rtol: 1e-5, atol: 1e-9), name);
    }

    private const string PublishedCoefficientName = "published";

    // s_m = sum over the batch of softmax(z_m)[y] from a fresh forward (train mode: batch statistics, so the same logits).
    private static double[] HandCoefficients(MethodTestBench bench, double alpha, bool continuous)
    {
        using var noGrad = no_grad();
        var output = bench.Model.Forward(bench.Batch.Inputs);
        double[] s = output.ModalityLogits.Select(z => (double)z.softmax(1).gather(1, bench.Batch.Labels.unsqueeze(1)).sum().item<float>()).ToArray();
        double rhoAudio = s[0] / s[1], rhoVisual = s[1] / s[0];
        double K(double rho) => rho > 1 ? 1 - Math.Tanh(alpha * (continuous ? rho - 1 : rho)) : 1;
        return new[] { K(rhoAudio), K(rhoVisual) };
    }

    private sealed class DoubleComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
