using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Methods;
using Equimodal.Tests.Data;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class ResumeTests
{
    private static readonly ModelOptions Model = new() { MlpHidden = 16 };

    internal sealed class StopAfter(long globalSteps) : ITrainingObserver
    {
        private long _steps;
        public List<string> Warnings { get; } = new();

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
            if (++_steps == globalSteps) throw new OperationCanceledException($"interrupted after step {globalSteps}");
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
        }

        public void OnWarning(string message) => Warnings.Add(message);
    }

    internal static (TrainingResult Result, Dictionary<string, float[]> Weights) Train(TrainingOptions options, CheckpointStore? store, bool resume,
        ITrainingObserver? observer = null, Func<TrainingMethod>? method = null, DatasetSplits? data = null, ModelOptions? model = null)
    {
        var trainer = new Trainer(options, model ?? Model, observer);
        TrainingResult result = trainer.Fit(method?.Invoke() ?? MethodRegistry.Create("joint"), data ?? VectorData.Create(200), store, resume);
        var weights = trainer.Model!.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32).data<float>().ToArray());
        trainer.Model.Dispose();
        return (result, weights);
    }

    internal static void AssertSameRun((TrainingResult Result, Dictionary<string, float[]> Weights) expected, (TrainingResult Result, Dictionary<string, float[]> Weights) actual)
    {
        Assert.Equal(expected.Weights.Keys, actual.Weights.Keys);
        foreach (string key in expected.Weights.Keys) Assert.Equal(expected.Weights[key], actual.Weights[key]);
        Assert.Equal(expected.Result.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.LearningRate, h.Validation.Loss)),
            actual.Result.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.LearningRate, h.Validation.Loss)));
        Assert.Equal(expected.Result.BestEpoch, actual.Result.BestEpoch);
        Assert.Equal(expected.Result.Test.Loss, actual.Result.Test.Loss);
        Assert.Equal(expected.Result.Test.Accuracy, actual.Result.Test.Accuracy);
    }

    [Theory]
    [InlineData("adamw", "cosine", 17)] // mid-epoch 2 (13 steps per epoch), after a step checkpoint at 15
    [InlineData("sgd", "step", 26)]     // last step of epoch 2, before its end-of-epoch checkpoint
    [InlineData("adamw", "none", 3)]    // before the first checkpoint: starts over
    [InlineData("adamw", "none", 17, 0.9)] // with averaged weights, mid-epoch 2: the average continues from the checkpoint's
    public void Interrupted_and_resumed_run_ends_bit_identical_to_an_uninterrupted_one(string optimizer, string schedule, int stopAfter, double ema = 0)
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Optimizer = optimizer, Schedule = schedule, StepSize = 1, Gamma = 0.5, Threads = 1, Device = "cpu", Seed = 7, CheckpointEverySteps = 5, EmaDecay = ema };
        var uninterrupted = Train(options, store: null, resume: false);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(stopAfter)));
        var resumed = Train(options, store, resume: true);
        AssertSameRun(uninterrupted, resumed);
        Assert.Equal(3, resumed.Result.History.Count);
    }

    [Theory]
    [InlineData(0, 0.9, "holds no averaged weights")]
    [InlineData(0.9, 0, "holds averaged weights, but the run does not average them")]
    [InlineData(0.9, 0.99, "averaged with decay 0.9 (--ema), not 0.99")]
    public void A_checkpoint_is_refused_by_a_run_that_switches_averaging_on_or_off_or_changes_its_decay(double written, double resumed, string expected)
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 7, CheckpointEverySteps = 5, EmaDecay = written };
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(7)));
        var error = Assert.Throws<InvalidDataException>(() => Train(options with { EmaDecay = resumed }, store, resume: true));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_averaged_checkpoint_written_before_its_decay_was_recorded_resumes_bit_identically()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 7, CheckpointEverySteps = 5, EmaDecay = 0.9 };
        var uninterrupted = Train(options, store: null, resume: false);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(17)));
        string newest = store.Files()[0];
        using (Checkpoint written = CheckpointFormat.Deserialize(File.ReadAllBytes(newest)))
        {
            Assert.Equal(0.9, written.Progress.EmaDecay);
            var undated = new Checkpoint(written.Progress with { EmaDecay = 0 }, written.Model, written.BestModel, written.Optimizer, written.RandomState,
                written.MethodState, written.RegisteredOptimizers, written.Averaged);
            File.WriteAllBytes(newest, CheckpointFormat.Serialize(undated));
        }
        AssertSameRun(uninterrupted, Train(options, store, resume: true));
    }

    private sealed class Recorder : ITrainingObserver
    {
        public List<string> Calls { get; } = new();

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs) => Calls.Add($"end {record.Epoch}");

        public void OnResumed(IReadOnlyList<EpochRecord> finished) => Calls.Add($"resumed after {string.Join(",", finished.Select(r => r.Epoch))}");
    }

    [Fact]
    public void The_observer_hears_of_a_resume_with_the_epochs_the_checkpoint_finished()
    {
        // 13 steps per epoch, checkpoints every 5 steps: stopped after step 17, resumed from step 15 in epoch 2.
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 7, CheckpointEverySteps = 5 };
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(17)));
        var recorder = new Recorder();
        Train(options, store, resume: true, recorder);
        Assert.Equal(new[] { "resumed after 1", "end 2", "end 3" }, recorder.Calls);
        var fresh = new Recorder();
        Train(options with { Epochs = 1 }, store: null, resume: false, fresh);
        Assert.Equal(new[] { "end 1" }, fresh.Calls);
    }

    [Fact]
    public void A_run_on_augmented_file_data_resumes_mid_epoch_bit_identical()
    {
        // Frames are decoded, cropped and flipped on the prefetching thread; the augmentation must not depend on it.
        DatasetSplits data = CremaDDataset.Load(TinyLayouts.WithTexturedFrames(TinyLayouts.CremaD(perClass: 3)), TinyLayouts.Options);
        // 12 training clips in batches of 4: 3 steps per epoch; stopped at step 5, resumed from the step-4 checkpoint (mid-epoch 2).
        var options = new TrainingOptions { Epochs = 3, BatchSize = 4, Threads = 1, Device = "cpu", Seed = 3, CheckpointEverySteps = 2 };
        var uninterrupted = Train(options, store: null, resume: false, data: data, model: TestData.TinyModel);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(5), data: data, model: TestData.TinyModel));
        AssertSameRun(uninterrupted, Train(options, store, resume: true, data: data, model: TestData.TinyModel));
    }

    [Fact]
    public void A_corrupt_newest_checkpoint_is_reported_and_the_previous_one_is_used()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 2, CheckpointEverySteps = 4 };
        var uninterrupted = Train(options, store: null, resume: false);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 3);
        Assert.Throws<OperationCanceledException>(() => Train(options, store, resume: false, new StopAfter(10)));
        string newest = store.Files()[0];
        Assert.EndsWith("step-0000000008.ckpt", newest);
        byte[] bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length / 3)]);
        var observer = new StopAfter(long.MaxValue);
        var resumed = Train(options, store, resume: true, observer);
        Assert.Contains(observer.Warnings, w => w.Contains("step-0000000008.ckpt") && w.Contains("checksum") && w.Contains("step-0000000004.ckpt"));
        AssertSameRun(uninterrupted, resumed);
    }

    [Fact]
    public void The_store_keeps_the_newest_K_checkpoints_and_the_best()
    {
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        var options = new TrainingOptions { Epochs = 4, BatchSize = 16, Threads = 1, Device = "cpu", CheckpointEverySteps = 5 };
        TrainingResult result = Train(options, store, resume: false).Result;
        var names = store.Files().Select(Path.GetFileName).ToArray();
        Assert.Equal("step-0000000052", Path.GetFileNameWithoutExtension(names[0])!.Replace("-best", ""));
        Assert.Equal("step-0000000050.ckpt", names[1]);
        int bestStep = result.BestEpoch * 13;
        Assert.Contains($"step-{bestStep:D10}-best.ckpt", names);
        Assert.Equal(bestStep >= 50 ? 2 : 3, names.Length);
        Assert.Empty(Directory.GetFiles(store.Folder, "*.tmp"));
    }
}
