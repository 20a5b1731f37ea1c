using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class GreedyMethodTests
{
    [Fact]
    public void Speed_difference_and_relative_gradient_energy_match_hand_computed_values()
    {
        // log10(1 / 10) - log10(10 / 10).
        Assert.Equal(-1, GreedyMethod.SpeedDifference(new[] { 1.0, 10 }, new[] { 10.0, 10 }), 12);
        Assert.Equal(0, GreedyMethod.SpeedDifference(new[] { 0.0, 10 }, new[] { 10.0, 10 }));
        using var weight = new Parameter(tensor(new float[] { 3, 4 }));
        weight.grad = tensor(new float[] { 1, 2 });
        Assert.Equal(5.0 / 25, GreedyMethod.RelativeGradientEnergy(new[] { weight }), 6);
    }

    [Fact]
    public void A_window_replaces_the_favoured_modalitys_gates_with_their_running_average()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("greedy", MethodSettings.Parse(new[] { "alpha=0", "window=2" })));
        var method = (GreedyMethod)bench.Method;
        var head = Assert.IsType<MmtmFusion>(bench.Model.Fusion);
        var (step, _) = bench.ForwardBackward(epoch: 0);
        Tensor[] firstGates = head.LastGates.Select(g => g.clone()).ToArray();
        method.AdjustGradients(step);
        int favoured = method.Rebalancing;
        Assert.InRange(favoured, 0, 1);
        bench.ForwardBackward(epoch: 0);
        // The running average after one normal step is that step's batch-mean gates.
        Assert.True(head.LastGates[favoured].allclose(firstGates[favoured], rtol: 1e-6, atol: 1e-7));
        // Outside the step the head computes its gates again.
        using var noGrad = no_grad();
        bench.Model.Forward(bench.Batch.Inputs);
        Assert.Equal(2, head.LastGates.Length);
        Assert.Contains("defined for 2 modalities", Assert.Throws<ArgumentException>(() =>
            MethodRegistry.CheckRequirements(MethodRegistry.Create("greedy"), new[] { "a", "b", "c" }, "mmtm")).Message);
    }
}
