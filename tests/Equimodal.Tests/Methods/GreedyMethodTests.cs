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
        // The step's energies, bypass (gates) over main (encoder) per modality: with alpha 0 any speed difference opens a
        // window, for modality 0 when d = BDR_0 - BDR_1 > 0, else for modality 1.
        double Energy(IEnumerable<Parameter> parameters) => GreedyMethod.RelativeGradientEnergy(parameters);
        double speed = GreedyMethod.SpeedDifference(
            new[] { Energy(head.GateParameters(0)), Energy(head.GateParameters(1)) },
            new[] { Energy(bench.Model.EncoderParameters(0)), Energy(bench.Model.EncoderParameters(1)) });
        Assert.NotEqual(0, speed);
        method.AdjustGradients(step);
        Assert.Equal(speed, method.EpochMetrics()["greedy.speed"], 12);
        int favoured = method.Rebalancing;
        Assert.Equal(speed > 0 ? 0 : 1, favoured);
        bench.ForwardBackward(epoch: 0);
        // The running average after one normal step is that step's batch-mean gates.
        Assert.True(head.LastGates[favoured].allclose(firstGates[favoured], rtol: 1e-6, atol: 1e-7));
        // Outside the step the head computes its gates again.
        using var noGrad = no_grad();
        bench.Model.Forward(bench.Batch.Inputs);
        Assert.Equal(2, head.LastGates.Length);
        Assert.Contains("defined for 2 modalities", Assert.Throws<ArgumentException>(() =>
            RunPlan.CheckRequirements(MethodRegistry.Create("greedy"), new[] { "a", "b", "c" }, "mmtm")).Message);
    }
}
