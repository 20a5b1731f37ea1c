using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class HeldScalarOptimizersTests
{
    // Two linear layers and one that never gets a gradient (a parameter whose grad stays undefined).
    private static (nn.Module<Tensor, Tensor> Used, Linear Unused) Model()
    {
        torch.manual_seed(11);
        return (nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3)), nn.Linear(2, 2));
    }

    private static IEnumerable<Parameter[]> Groups((nn.Module<Tensor, Tensor> Used, Linear Unused) model)
    {
        Parameter[] used = model.Used.parameters().ToArray();
        return new[] { used.Take(2).ToArray(), used.Skip(2).Concat(model.Unused.parameters()).ToArray() };
    }

    private static void Train(optim.Optimizer optimizer, nn.Module<Tensor, Tensor> model, int steps, int firstStep = 0)
    {
        for (int step = firstStep; step < firstStep + steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(100 + step);
            Tensor x = torch.randn(8, 6);
            Tensor y = torch.randint(0, 3, 8);
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(x), y).backward();
            optimizer.step();
        }
    }

    private static bool Same(Tensor a, Tensor b) => (a == b).all().item<bool>();

    private static void AssertBitIdentical(nn.Module<Tensor, Tensor> expected, nn.Module<Tensor, Tensor> actual)
    {
        foreach (var (e, a) in expected.parameters().Zip(actual.parameters())) Assert.True(Same(e, a), "parameters differ after the same steps");
    }

    [Fact]
    public void AdamW_with_held_scalars_is_bit_identical_to_torchsharps_and_loads_its_saved_state()
    {
        var reference = Model();
        var safe = Model();
        var referenceGroups = Groups(reference).Select((g, i) => new AdamW.ParamGroup(g, new AdamW.Options { LearningRate = i == 0 ? 0.01 : 0.003 }));
        var safeGroups = Groups(safe).Select((g, i) => new AdamW.ParamGroup(g, new AdamW.Options { LearningRate = i == 0 ? 0.01 : 0.003 }));
        using var torchSharps = optim.AdamW(referenceGroups, 0.01, weight_decay: 0.05);
        using var ours = new Equimodal.Training.HeldScalars.AdamW(safeGroups, 0.01, weightDecay: 0.05);

        Train(torchSharps, reference.Used, 3);
        Train(ours, safe.Used, 3);
        AssertBitIdentical(reference.Used, safe.Used);
        Assert.False(Same(reference.Used.parameters().First(), Model().Used.parameters().First()), "the steps changed nothing");

        // A state saved from TorchSharp's AdamW continues bit-identically in ours.
        string file = Path.Combine(TestData.TempFolder(), "adamw.bin");
        torchSharps.save_state_dict(file);
        var resumed = Model();
        foreach (var (target, source) in resumed.Used.parameters().Zip(reference.Used.parameters()))
            using (torch.no_grad()) target.copy_(source);
        using var resumedOptimizer = new Equimodal.Training.HeldScalars.AdamW(Groups(resumed).Select((g, i) => new AdamW.ParamGroup(g, new AdamW.Options { LearningRate = i == 0 ? 0.01 : 0.003 })), 0.01, weightDecay: 0.05);
        resumedOptimizer.load_state_dict(file);
        Train(torchSharps, reference.Used, 2, firstStep: 3);
        Train(resumedOptimizer, resumed.Used, 2, firstStep: 3);
        AssertBitIdentical(reference.Used, resumed.Used);
    }

    [Fact]
    public void Sgd_with_held_scalars_is_bit_identical_to_torchsharps()
    {
        var reference = Model();
        var safe = Model();
        using var torchSharps = optim.SGD(Groups(reference).Select((g, i) => new SGD.ParamGroup(g, new SGD.Options { LearningRate = i == 0 ? 0.1 : 0.02 })), 0.1, momentum: 0.9, weight_decay: 1e-3);
        using var ours = new Equimodal.Training.HeldScalars.SGD(Groups(safe).Select((g, i) => new SGD.ParamGroup(g, new SGD.Options { LearningRate = i == 0 ? 0.1 : 0.02 })), 0.1, momentum: 0.9, weightDecay: 1e-3);
        Train(torchSharps, reference.Used, 4);
        Train(ours, safe.Used, 4);
        AssertBitIdentical(reference.Used, safe.Used);
        Assert.False(Same(reference.Used.parameters().Last(), Model().Used.parameters().Last()), "the steps changed nothing");
    }

    [Fact]
    public void The_optimizer_factory_builds_the_held_scalar_optimizers()
    {
        var model = Model();
        Assert.IsType<Equimodal.Training.HeldScalars.AdamW>(OptimizerFactory.Create(model.Used.parameters(), new TrainingOptions()));
        Assert.IsType<Equimodal.Training.HeldScalars.SGD>(OptimizerFactory.Create(model.Used.parameters(), new TrainingOptions { Optimizer = "sgd", Momentum = 0.9 }));
    }
}
