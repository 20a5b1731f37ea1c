using Equimodal.Methods;
using Equimodal.Evaluation;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class LfmMethodTests
{
    [Fact]
    public void Jensen_shannon_weight_update_and_schedule_match_hand_computed_values()
    {
        float ln3 = (float)Math.Log(3);
        using Tensor a = tensor(new[] { ln3, 0 }).reshape(1, 2), b = zeros(1, 2);
        // p = [.75, .25], q = [.5, .5], m = [.625, .375].
        double expected = (0.75 * Math.Log(0.75 / 0.625) + 0.25 * Math.Log(0.25 / 0.375) + 0.5 * Math.Log(0.5 / 0.625) + 0.5 * Math.Log(0.5 / 0.375)) / 2;
        Assert.Equal(expected, LfmMethod.JensenShannon(a, b).item<float>(), 6);
        Assert.Equal(0, LfmMethod.JensenShannon(a, a).item<float>(), 6);
        Assert.Equal(0.06, LfmMethod.UpdatedWeight(0.05, 1e-4, -100), 12);
        Assert.Equal(0.05, LfmMethod.UpdatedWeight(0.05, 1e-4, 1e4));
        Assert.Equal(0.95, LfmMethod.UpdatedWeight(0.9, 1e-4, -1e4));
        Assert.Equal(1e-4, LfmMethod.LearningRateAt(1e-4, 19));
        Assert.Equal(5e-5, LfmMethod.LearningRateAt(1e-4, 20));
        Assert.Equal(2.5e-5, LfmMethod.LearningRateAt(1e-4, 40));
    }

    [Fact]
    public void The_epoch_update_moves_only_the_weight_and_restores_the_parameters_bit_for_bit()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("lfm", Equimodal.Training.MethodSettings.Parse(new[] { "lr-alpha=1", "a1=0.5" })));
        var method = (LfmMethod)bench.Method;
        var before = bench.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        method.OnEpochEnd(new EpochEnd(0, new EvaluationResult()));
        foreach (var (name, value) in bench.Model.state_dict()) Assert.True(value.allclose(before[name], rtol: 0, atol: 0), name);
        Assert.NotEqual(0.5, method.AlignmentWeight);
        Assert.InRange(method.AlignmentWeight, 0.05, 0.95);
    }
}
