using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Reliability;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

/// <summary>Methods with state (MLA's projector, valuation's selected samples) resume bit-exactly through SaveState/LoadState.</summary>
public class PeerMethodResumeTests
{
    private sealed class StopAfter(long globalSteps) : ITrainingObserver
    {
        private long _steps;

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
            if (++_steps == globalSteps) throw new OperationCanceledException($"interrupted after step {globalSteps}");
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
        }

        public void OnWarning(string message)
        {
        }
    }

    [Theory]
    [InlineData("mla", "")]              // 13 steps per epoch: stops mid-epoch 2, after the step checkpoint at 15
    [InlineData("valuation", "warmup=1")] // the copies selected after epoch 1 are spread over epoch 2
    public void Interrupted_and_resumed_run_equals_the_uninterrupted_one(string method, string option)
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 5, CheckpointEverySteps = 5 };
        string[] methodOptions = option.Length == 0 ? Array.Empty<string>() : new[] { option };
        (TrainingResult Result, float[] Weights) Train(CheckpointStore? store, bool resume, ITrainingObserver? observer = null)
        {
            var trainer = new Trainer(options, new ModelOptions { MlpHidden = 16 }, observer);
            TrainingResult result = trainer.Fit(MethodRegistry.Create(method, MethodSettings.Parse(methodOptions)), VectorData.Create(200), store, resume);
            float[] weights = trainer.Model!.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
            trainer.Model.Dispose();
            return (result, weights);
        }

        var uninterrupted = Train(null, resume: false);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => Train(store, resume: false, new StopAfter(17)));
        var resumed = Train(store, resume: true);
        Assert.Equal(uninterrupted.Weights, resumed.Weights);
        Assert.Equal(uninterrupted.Result.History.Select(h => (h.TrainLoss, h.Validation.Loss)), resumed.Result.History.Select(h => (h.TrainLoss, h.Validation.Loss)));
        Assert.Equal(uninterrupted.Result.History.Select(h => h.MethodMetrics.OrderBy(kv => kv.Key).ToArray()), resumed.Result.History.Select(h => h.MethodMetrics.OrderBy(kv => kv.Key).ToArray()));
    }
}
