using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class DivergenceGuardTests
{
    [Fact]
    public void A_NaN_loss_stops_the_run_naming_epoch_step_method_and_the_setting_to_lower_and_keeps_the_last_good_checkpoint()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, Threads = 1, Device = "cpu", CheckpointEverySteps = 3, Seed = 4 };
        var loader = new Equimodal.Data.BatchLoader(VectorData.Create(100).Train, 10, shuffle: true, options.Seed);
        // Poison the sample that the shuffled order puts into the 6th batch of epoch 1.
        int poisoned = loader.Order(0)[55];
        var store = new CheckpointStore(TestData.TempFolder(), keep: 5);
        var trainer = new Trainer(options, new ModelOptions { MlpHidden = 8 });
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(MethodRegistry.Create("joint"), VectorData.Create(100, poisonTrainSample: poisoned), store, resume: false));
        Assert.Contains("loss became NaN in epoch 1, step 6 (global step 6) of method 'joint'", error.Message);
        Assert.Contains("--lr", error.Message);
        Assert.Contains("last good checkpoint is kept", error.Message);
        using Checkpoint last = store.LoadLatest()!;
        Assert.Equal(3, last.Progress.GlobalStep);
        Assert.All(last.Model.Values, t => Assert.False(t.isnan().any().item<bool>()));
    }

    [Fact]
    public void An_exploding_learning_rate_is_caught_before_it_reaches_the_weights()
    {
        var options = new TrainingOptions { Epochs = 1, BatchSize = 10, Threads = 1, Device = "cpu", Optimizer = "sgd", Momentum = 0, LearningRate = 1e30 };
        var trainer = new Trainer(options, new ModelOptions { MlpHidden = 8 });
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(MethodRegistry.Create("joint"), VectorData.Create(100)));
        Assert.Contains("epoch 1", error.Message);
        Assert.Contains("now 1E+30", error.Message);
    }
}
