using System.Diagnostics;
using System.Runtime.CompilerServices;
using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Equimodal.Tests.Training;

public class MemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// Counts the tensors that loader worker threads create and hand to the training thread. TorchSharp counts live
    /// tensors per thread, so the training thread sees only their disposal; adding the hand-overs gives the true count.
    /// </summary>
    private sealed class HandOverCounter(IMultimodalDataset inner, int trainingThread, StrongBox<long> handedOver) : IMultimodalDataset
    {
        public IReadOnlyList<ModalitySpec> Modalities => inner.Modalities;

        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public Equimodal.Tasks.TaskKind Task => inner.Task;

        public int Count => inner.Count;

        public int LabelOf(int index) => inner.LabelOf(index);

        public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Batch batch = inner.GetBatch(indices, augmentation);
            if (Environment.CurrentManagedThreadId != trainingThread)
                Interlocked.Add(ref handedOver.Value, DisposeScopeManager.Statistics.ThreadTotalLiveCount - before);
            return batch;
        }

        public static DatasetSplits Wrap(DatasetSplits splits, StrongBox<long> handedOver)
        {
            int thread = Environment.CurrentManagedThreadId;
            return new DatasetSplits(new HandOverCounter(splits.Train, thread, handedOver), new HandOverCounter(splits.Validation, thread, handedOver),
                new HandOverCounter(splits.Test, thread, handedOver));
        }
    }

    private sealed class MemoryProbe(StrongBox<long> handedOver) : ITrainingObserver
    {
        public List<long> LiveTensors { get; } = new();
        public List<long> ResidentBytes { get; } = new();

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
            LiveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount + Interlocked.Read(ref handedOver.Value));
            using var process = Process.GetCurrentProcess();
            ResidentBytes.Add(process.WorkingSet64);
        }
    }

    [Theory]
    [InlineData("joint")]
    [InlineData("attr-reg")]
    public void Live_tensors_and_resident_memory_stay_flat_over_thousands_of_steps(string method)
    {
        // 400 samples / batch 8 = 50 steps per epoch; 60 epochs = 3000 steps (validation and checkpoints every epoch).
        var options = new TrainingOptions { Epochs = 60, BatchSize = 8, Threads = 1, Device = "cpu", KeepCheckpoints = 1 };
        var handedOver = new StrongBox<long>();
        var probe = new MemoryProbe(handedOver);
        var trainer = new Trainer(options, new ModelOptions { MlpHidden = 16 }, probe);
        trainer.Fit(MethodRegistry.Create(method), HandOverCounter.Wrap(VectorData.Create(400), handedOver), new CheckpointStore(TestData.TempFolder(), 1), resume: false);
        trainer.Model!.Dispose();
        const int warmUp = 5;
        var live = probe.LiveTensors.Skip(warmUp).ToArray();
        output.WriteLine($"{method}: {probe.LiveTensors.Count * 50} steps; live tensors after warm-up {live.Min()}..{live.Max()}; " +
            $"RSS {probe.ResidentBytes[warmUp] / 1048576.0:F1} -> {probe.ResidentBytes[^1] / 1048576.0:F1} MB");
        Assert.True(live.Max() - live.Min() <= 2, $"live tensors after warm-up ranged {live.Min()}..{live.Max()}");
        double growthMb = (probe.ResidentBytes[^1] - probe.ResidentBytes[warmUp]) / 1048576.0;
        Assert.True(growthMb < 40, $"resident memory grew {growthMb:F1} MB over {options.Epochs - warmUp} epochs");
    }
}
