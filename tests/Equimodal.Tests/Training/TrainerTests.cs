using System.Text.Json;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;

namespace Equimodal.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Joint_training_learns_far_above_chance_and_reports_every_metric()
    {
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 4, LearningRate = 3e-3 }, TestData.TinyModel);
        TrainingResult result = trainer.Fit(MethodRegistry.Create("joint"), TestData.Small);
        // 6 classes: chance is 16.7%.
        Assert.True(result.Test.Accuracy > 0.6, $"test accuracy {result.Test.Accuracy:P1}");
        Assert.Equal(4, result.History.Count);
        // The kept epoch is the first to reach the best validation accuracy (a later tie does not replace it), and the
        // reported validation metrics are those of its weights.
        double best = result.History.Max(h => h.Validation.Accuracy);
        Assert.Equal(result.History.ToList().FindIndex(h => h.Validation.Accuracy == best) + 1, result.BestEpoch);
        Assert.Equal(result.History[result.BestEpoch - 1].Validation.Accuracy, result.Validation.Accuracy, 9);
        Assert.Equal(result.History[result.BestEpoch - 1].Validation.Loss, result.Validation.Loss, 5);
        Assert.Equal(new[] { "audio", "visual" }, result.Test.ModalityAccuracy.Keys.Order());
        Assert.InRange(result.Test.MeanAveragePrecision, 0.5, 1);
        Assert.InRange(result.Test.MacroAuc, 0.5, 1);
        Assert.Equal(TestData.Small.Test.Count, result.Test.ConfusionMatrix.Sum(r => r.Sum()));
        // The summary times are the epochs' step times over 4 epochs of ceil(train samples / 32) steps each.
        int steps = 4 * ((TestData.Small.Train.Count + 31) / 32);
        Assert.Equal(result.History.Sum(h => h.TrainSeconds), result.TrainSeconds, 9);
        Assert.Equal(result.TrainSeconds / steps, result.SecondsPerStep, 12);
        Assert.Equal(result.TrainSeconds / 4, result.SecondsPerEpoch, 12);
    }

    [Fact]
    public void An_empty_validation_split_is_refused_before_training_because_selection_needs_it()
    {
        var splits = TestData.Small with { Validation = new Equimodal.Data.DatasetSubset(TestData.Small.Validation, Array.Empty<int>()) };
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1 }, TestData.TinyModel);
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(MethodRegistry.Create("joint"), splits));
        Assert.Contains("validation split is empty", error.Message);
    }

    [Fact]
    public void Unimodal_methods_train_a_model_on_one_modality()
    {
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1 }, TestData.TinyModel);
        TrainingResult result = trainer.Fit(MethodRegistry.Create("visual-only"), TestData.Small);
        Assert.Equal(new[] { "visual" }, result.Modalities);
        Assert.Equal(new[] { "visual" }, result.Test.ModalityAccuracy.Keys);
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(MethodRegistry.Create("lidar-only"), TestData.Small));
        Assert.Contains("audio, visual", error.Message);
    }

    [Fact]
    public void Same_seed_gives_identical_metrics()
    {
        var options = TestData.ShortTraining with { Epochs = 1, Seed = 5 };
        TrainingResult a = new Trainer(options, TestData.TinyModel).Fit(MethodRegistry.Create("joint"), TestData.Small);
        TrainingResult b = new Trainer(options, TestData.TinyModel).Fit(MethodRegistry.Create("joint"), TestData.Small);
        Assert.Equal(a.History[0].TrainLoss, b.History[0].TrainLoss);
        Assert.Equal(a.Test.Loss, b.Test.Loss);
    }

    [Fact]
    public void Many_steps_do_not_grow_the_number_of_live_tensors()
    {
        var counter = new LiveTensorCounter();
        var options = TestData.ShortTraining with { Epochs = 5, BatchSize = 16 };
        new Trainer(options, TestData.TinyModel, counter).Fit(MethodRegistry.Create("joint"), TestData.Small);
        // Epoch 1 allocates the optimizer state and the best-weights copy; afterwards each of ~23 steps per epoch
        // would add tensors if a step leaked any.
        long afterWarmUp = counter.LiveAtEpochEnd[1], atEnd = counter.LiveAtEpochEnd[^1];
        Assert.True(atEnd - afterWarmUp <= 2, $"live tensors per epoch end: {string.Join(", ", counter.LiveAtEpochEnd)}");
    }

    private sealed class LiveTensorCounter : ITrainingObserver
    {
        public List<long> LiveAtEpochEnd { get; } = new();

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs) => LiveAtEpochEnd.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_run_folder_holds_config_metrics_results_and_weights()
    {
        string folder = TestData.TempFolder();
        var config = new RunConfig
        {
            Dataset = new() { Synthetic = TestData.SmallSynthetic },
            Method = "joint",
            Model = TestData.TinyModel,
            Training = TestData.ShortTraining,
        };
        TrainingResult result = Experiment.Run(config, TestData.Small, folder);

        var run = new RunFolder(folder);
        RunConfig written = run.ReadConfig();
        Assert.Equal(new[] { "audio", "visual" }, written.Modalities.Select(m => m.Name));
        Assert.Equal(6, written.ClassNames.Count);
        Assert.Equal(2, written.Training.Epochs);
        string[] lines = File.ReadAllLines(run.File(RunFolder.MetricsFile));
        Assert.Equal(2, lines.Length);
        Assert.Equal(2, JsonDocument.Parse(lines[1]).RootElement.GetProperty("epoch").GetInt32());
        using JsonDocument results = JsonDocument.Parse(File.ReadAllText(run.File(RunFolder.ResultsFile)));
        Assert.Equal(result.Test.Accuracy, results.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble(), 12);
        Assert.True(results.RootElement.GetProperty("validation").TryGetProperty("macroF1", out _));

        using var model = run.LoadModel();
        var scores = Equimodal.Evaluation.Evaluator.Evaluate(model, TestData.Small.Test, 64, torch.CPU);
        Assert.Equal(result.Test.Accuracy, scores.Accuracy, 12);
    }

    [SkippableFact]
    public void Asking_for_cuda_without_a_cuda_backend_names_the_package()
    {
        Skip.If(torch.cuda.is_available(), "this machine has CUDA");
        var error = Assert.Throws<InvalidOperationException>(() => DeviceSelector.Resolve("cuda"));
        Assert.Contains("TorchSharp-cuda", error.Message);
        Assert.Equal(DeviceType.CPU, DeviceSelector.Resolve("auto").type);
    }
}
