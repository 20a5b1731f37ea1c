using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Tests.Cli;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Evaluation;

public class LinearProbeTests
{
    private static (Tensor X, Tensor Y) Clusters(int perClass, int seed, bool informative)
    {
        var generator = new torch.Generator((ulong)seed);
        Tensor y = arange(3).repeat_interleave(perClass);
        Tensor centres = eye(3, 4) * 3;
        Tensor noise = randn(new long[] { 3 * perClass, 4 }, generator: generator) * 0.5;
        return ((informative ? centres.index_select(0, y) : zeros(3 * perClass, 4)) + noise, y);
    }

    [Fact]
    public void A_probe_learns_separable_features_and_stays_near_chance_on_noise()
    {
        var options = new LinearProbeOptions { Epochs = 40, LearningRate = 0.05, BatchSize = 16 };
        var (trainX, trainY) = Clusters(20, 1, true);
        var (validationX, validationY) = Clusters(10, 2, true);
        var (testX, testY) = Clusters(10, 3, true);
        ProbeResult separable = LinearProbe.Fit("x", trainX, trainY, validationX, validationY, testX, testY, 3, options);
        Assert.True(separable.TestAccuracy > 0.95, $"{separable}");
        Assert.InRange(separable.Epoch, 1, 40);
        var (noiseX, _) = Clusters(20, 4, false);
        var (noiseValidation, _) = Clusters(10, 5, false);
        var (noiseTest, _) = Clusters(10, 6, false);
        ProbeResult noise = LinearProbe.Fit("x", noiseX, trainY, noiseValidation, validationY, noiseTest, testY, 3, options);
        Assert.True(noise.TestAccuracy < 0.6, $"{noise}");
        // Deterministic: the same seed gives the same probe.
        Assert.Equal(separable, LinearProbe.Fit("x", trainX, trainY, validationX, validationY, testX, testY, 3, options));
    }

    [Fact]
    public void Probing_a_trained_run_leaves_its_encoders_untouched_and_reports_every_modality()
    {
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1 }, TestData.TinyModel);
        trainer.Fit(MethodRegistry.Create("joint"), TestData.Small);
        var model = trainer.Model!;
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var probes = LinearProbe.Run(model, TestData.Small, new[] { 0, 1 }, 64, CPU, new LinearProbeOptions { Epochs = 3 });
        Assert.Equal(new[] { "all", "audio", "visual" }, probes.Select(p => p.Features));
        Assert.All(probes, p => Assert.InRange(p.TestAccuracy, 0, 1));
        foreach (var (name, value) in model.state_dict()) Assert.True(value.allclose(before[name], rtol: 0, atol: 0), name);
    }

    [Fact]
    public void Evaluate_linear_probe_works_on_a_saved_run()
    {
        string folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run("train", "--method", "joint", "--epochs", "1", "--samples", "300", "--width", "4", "--depth", "1",
            "--threads", "1", "--device", "cpu", "--out", folder);
        Assert.True(code == 0, output);
        var (probeCode, probeOutput) = CliRunner.Run("evaluate", "--run", folder, "--linear-probe", "--json");
        Assert.True(probeCode == 0, probeOutput);
        using var probes = System.Text.Json.JsonDocument.Parse(probeOutput);
        Assert.Equal(new[] { "all", "audio", "visual" }, probes.RootElement.EnumerateArray().Select(p => p.GetProperty("features").GetString()));
    }
}
