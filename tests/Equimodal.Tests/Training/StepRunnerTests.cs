using Equimodal.Distributed;
using Equimodal.Methods;
using Equimodal.Tests.Distributed;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class StepRunnerTests
{
    [Fact]
    public void The_gradient_is_averaged_over_the_ranks_before_the_method_adjusts_it_and_the_optimizer_steps()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new[] { 1f, 2f }));
        var optimizer = optim.SGD(new[] { parameter }, 1.0);
        // This rank's gradient is x = (3, 4); the other rank's is (1, 0): the average is (2, 2).
        var runner = new StepRunner(TestData.ShortTraining with { GradientClip = 0 }, new SimulatedRanks(1, 0));
        Tensor loss = (parameter * tensor(new[] { 3f, 4f })).sum();
        float[] seenByAdjust = Array.Empty<float>();
        double value = runner.Step(MethodRegistry.Create("joint"), optimizer, new[] { parameter }, loss, new StepInfo(0, 0, 0, 1),
            () => loss.backward(),
            () =>
            {
                seenByAdjust = parameter.grad!.data<float>().ToArray();
                using (no_grad()) parameter.grad!.mul_(0.5);
            });
        Assert.Equal(11, value);
        Assert.Equal(new[] { 2f, 2f }, seenByAdjust);
        Assert.Equal(new[] { 0f, 1f }, parameter.data<float>().ToArray());
    }

    [Fact]
    public void A_method_that_did_not_declare_data_parallel_exactness_is_refused_on_two_ranks()
    {
        var method = MethodRegistry.Create("valuation");
        Assert.False(method.DataParallel.Exact);
        var trainer = new Trainer(TestData.ShortTraining, TestData.TinyModel, collective: new SimulatedRanks());
        var error = Assert.Throws<NotSupportedException>(() => trainer.Fit(method, TestData.Small));
        Assert.Contains("valuation", error.Message);
        Assert.True(MethodRegistry.Create("joint").DataParallel.Exact);
    }
}
