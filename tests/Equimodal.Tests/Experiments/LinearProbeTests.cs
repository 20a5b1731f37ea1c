using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Methods;
using Equimodal.Tests.Cli;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Experiments;

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
        // The selected epoch is the first to reach the best validation accuracy, and the test accuracy is that epoch's:
        // training only up to it gives the same result (same seed, same batches), one epoch less does not reach it.
        Assert.Equal(separable, LinearProbe.Fit("x", trainX, trainY, validationX, validationY, testX, testY, 3, options with { Epochs = separable.Epoch }));
        if (separable.Epoch > 1)
            Assert.True(LinearProbe.Fit("x", trainX, trainY, validationX, validationY, testX, testY, 3, options with { Epochs = separable.Epoch - 1 })
                .ValidationAccuracy < separable.ValidationAccuracy);
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
        var probes = LinearProbe.Run(model, TestData.Small, 64, CPU, new LinearProbeOptions { Epochs = 3 });
        Assert.Equal(new[] { "all", "audio", "visual" }, probes.Select(p => p.Features));
        // Each probe is the one fitted on the encoders' eval-mode outputs of the same splits: computed here directly.
        var options = new LinearProbeOptions { Epochs = 3 };
        Tensor[][] features = new[] { TestData.Small.Train, TestData.Small.Validation, TestData.Small.Test }.Select(split => Encoded(model, split)).ToArray();
        Tensor[] labels = new[] { TestData.Small.Train, TestData.Small.Validation, TestData.Small.Test }.Select(LabelsOf).ToArray();
        ProbeResult Expected(string name, Func<Tensor[], Tensor> pick) =>
            LinearProbe.Fit(name, pick(features[0]), labels[0], pick(features[1]), labels[1], pick(features[2]), labels[2], 6, options);
        Assert.Equal(Expected("all", f => cat(f, 1)), probes[0]);
        Assert.Equal(Expected("audio", f => f[0]), probes[1]);
        Assert.Equal(Expected("visual", f => f[1]), probes[2]);
        Assert.True(model.training);
        foreach (var (name, value) in model.state_dict()) Assert.True(value.allclose(before[name], rtol: 0, atol: 0), name);
    }

    private static Tensor[] Encoded(MultimodalClassifier model, IMultimodalDataset split)
    {
        // In batches of 64 as Run was asked to, so the features are the same floats.
        model.eval();
        using var noGrad = no_grad();
        var batches = Enumerable.Range(0, split.Count).Chunk(64).Select(rows =>
        {
            using Batch batch = split.GetBatch(rows, Augmentation.None);
            return model.Encode(batch.Inputs).Select(e => e.detach().clone()).ToArray();
        }).ToArray();
        model.train();
        return Enumerable.Range(0, batches[0].Length).Select(m => cat(batches.Select(b => b[m]).ToArray(), 0)).ToArray();
    }

    private static Tensor LabelsOf(IMultimodalDataset split) =>
        tensor(Enumerable.Range(0, split.Count).Select(i => (long)split.LabelOf(i)).ToArray());

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
