using System.Security.Cryptography;
using System.Text;
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
    private static readonly StepInfo First = new(0, 0, 0, 1);

    /// <summary>A parameter (1, 2) with a stale gradient (100, 100) left from before the step.</summary>
    private static Parameter WithStaleGradient()
    {
        var parameter = new Parameter(tensor(new[] { 1f, 2f }));
        parameter.grad = tensor(new[] { 100f, 100f });
        return parameter;
    }

    /// <summary>A method that only says whether the runner fills missing gradients.</summary>
    private sealed class Filling(bool fills) : TrainingMethod
    {
        public override string Name => "filling";

        public override bool FillsMissingGradients => fills;
    }

    [Fact]
    public void The_gradient_is_averaged_over_the_ranks_before_the_method_adjusts_it_and_the_optimizer_steps()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new[] { 1f, 2f }));
        var optimizer = optim.SGD(new[] { parameter }, 1.0);
        // This rank's gradient is x = (3, 4); the other rank's is (1, 0): the average is (2, 2).
        var runner = new StepRunner(TestData.ShortTraining with { GradientClip = 0 }, new SimulatedRanks(1, 0));
        float[] seenByAdjust = Array.Empty<float>();
        StepResult result = runner.Step(MethodRegistry.Create("joint"), optimizer, new[] { parameter }, First,
            () => new StepOutput((parameter * tensor(new[] { 3f, 4f })).sum(), tensor(0f)),
            adjust: () =>
            {
                seenByAdjust = parameter.grad!.data<float>().ToArray();
                using (no_grad()) parameter.grad!.mul_(0.5);
            });
        Assert.Equal(11, result.Loss);
        Assert.Equal(new[] { 2f, 2f }, seenByAdjust);
        Assert.Equal(new[] { 0f, 1f }, parameter.data<float>().ToArray());
    }

    [Fact]
    public void The_runner_clears_then_fills_then_lets_the_method_adjust_then_clips_and_steps()
    {
        using var scope = NewDisposeScope();
        // The runner clears the stale gradient before the loss is computed.
        var used = WithStaleGradient();
        var unused = new Parameter(tensor(new[] { 5f }));
        var optimizer = optim.SGD(new Parameter[] { used, unused }, 1.0);
        var runner = new StepRunner(TestData.ShortTraining with { GradientClip = 1 });
        float[] usedSeen = Array.Empty<float>();
        float[]? unusedSeen = null;
        runner.Step(new Filling(true), optimizer, new[] { used, unused }, First,
            () =>
            {
                Assert.Equal(new[] { 0f, 0f }, used.grad!.data<float>().ToArray());
                return new StepOutput((used * tensor(new[] { 3f, 4f })).sum(), tensor(0f));
            },
            adjust: () =>
            {
                usedSeen = used.grad!.data<float>().ToArray();
                unusedSeen = unused.grad?.data<float>().ToArray();
            });
        Assert.Equal(new[] { 3f, 4f }, usedSeen);
        Assert.Equal(new[] { 0f }, unusedSeen);
        // The gradient (3, 4) of norm 5 is clipped to norm 1 before the step: (1, 2) - (0.6, 0.8).
        float[] stepped = used.data<float>().ToArray();
        Assert.Equal(0.4, stepped[0], 5);
        Assert.Equal(1.2, stepped[1], 5);
        Assert.Equal(new[] { 5f }, unused.data<float>().ToArray());
    }

    [Fact]
    public void Without_the_method_asking_a_parameter_outside_the_graph_keeps_no_gradient()
    {
        using var scope = NewDisposeScope();
        var used = new Parameter(tensor(new[] { 1f }));
        var unused = new Parameter(tensor(new[] { 5f }));
        var runner = new StepRunner(TestData.ShortTraining);
        bool unusedHadGradient = true;
        runner.Step(new Filling(false), optim.SGD(new Parameter[] { used, unused }, 1.0), new[] { used, unused }, First,
            () => new StepOutput((used * tensor(new[] { 2f })).sum(), tensor(0f)), adjust: () => unusedHadGradient = unused.grad is not null);
        Assert.False(unusedHadGradient);
    }

    [Fact]
    public void The_gradient_check_comes_after_the_adjustment_and_stops_the_step()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new[] { 1f, 2f }));
        var runner = new StepRunner(TestData.ShortTraining with { GradientClip = 1 });
        Assert.Throws<TrainingDivergedException>(() => runner.Step(new Filling(false), optim.SGD(new[] { parameter }, 1.0), new[] { parameter }, First,
            () => new StepOutput(parameter.sum(), tensor(0f)),
            adjust: () =>
            {
                using (no_grad()) parameter.grad!.mul_(float.NaN);
            }));
        Assert.Equal(new[] { 1f, 2f }, parameter.data<float>().ToArray());
    }

    [Fact]
    public void A_step_with_gradients_set_directly_also_starts_from_cleared_gradients()
    {
        using var scope = NewDisposeScope();
        var parameter = WithStaleGradient();
        var runner = new StepRunner(TestData.ShortTraining with { GradientClip = 0 });
        // The gradient is added to what is there: without the clear the step would move by 101.
        runner.StepWithGradients(new Filling(false), optim.SGD(new[] { parameter }, 1.0), new[] { parameter }, First, () =>
        {
            using (no_grad()) parameter.grad!.add_(tensor(new[] { 1f, 1f }));
        });
        Assert.Equal(new[] { 0f, 1f }, parameter.data<float>().ToArray());
    }

    [Fact]
    public void A_measured_gradient_is_the_loss_gradient_alone_and_leaves_the_gradients_cleared()
    {
        using var scope = NewDisposeScope();
        var parameter = WithStaleGradient();
        Tensor gradient = StepRunner.MeasureGradient(optim.SGD(new[] { parameter }, 1.0), parameter, () => (parameter * parameter).sum());
        Assert.Equal(new[] { 2f, 4f }, gradient.data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0f }, parameter.grad!.data<float>().ToArray());
    }

    [Fact]
    public void A_registered_optimizer_is_listed_by_name_and_registering_the_name_again_replaces_it()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new[] { 1f }));
        var runner = new StepRunner(TestData.ShortTraining);
        optim.Optimizer first = runner.Register("method.extra", OptimizerFactory.Create(new[] { parameter }, TestData.ShortTraining));
        optim.Optimizer second = runner.Register("method.extra", OptimizerFactory.Create(new[] { parameter }, TestData.ShortTraining));
        Assert.NotSame(first, second);
        Assert.Same(second, Assert.Single(runner.Optimizers).Value);
        Assert.Throws<ArgumentException>(() => runner.Register(" ", first));
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

    /// <summary>
    /// attr-reg-published steps a fusion optimizer of its own, registered with the runner: the checkpoint holds its
    /// state apart from the method's tensors, and a checkpoint of format 1 (which kept that state among the method's
    /// tensors, as bytes under the registered name) resumes bit-identical to an uninterrupted run.
    /// </summary>
    [Fact]
    public void A_registered_optimizer_is_checkpointed_and_a_format_one_checkpoint_resumes_it()
    {
        const string Name = "attr-reg.fusion-optimizer";
        TrainingMethod Create() => MethodRegistry.Create("attr-reg-published", MethodSettings.Parse(new[] { "target-shares=adaptive" }));
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 5, CheckpointEverySteps = 5 };
        var uninterrupted = ResumeTests.Train(options, store: null, resume: false, method: Create);
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        Assert.Throws<OperationCanceledException>(() => ResumeTests.Train(options, store, resume: false, new ResumeTests.StopAfter(17), Create));
        string newest = store.Files()[0];
        using (Checkpoint written = CheckpointFormat.Deserialize(File.ReadAllBytes(newest)))
        {
            Assert.True(written.RegisteredOptimizers[Name].Length > 0);
            Assert.DoesNotContain(Name, written.MethodState.Keys);
            File.WriteAllBytes(newest, FormatOne(written, Name));
        }
        using (Checkpoint formatOne = CheckpointFormat.Deserialize(File.ReadAllBytes(newest)))
        {
            Assert.Empty(formatOne.RegisteredOptimizers);
            Assert.Throws<InvalidDataException>(() => formatOne.RegisteredOptimizer("other.optimizer"));
        }
        ResumeTests.AssertSameRun(uninterrupted, ResumeTests.Train(options, store, resume: true, method: Create));
    }

    /// <summary>
    /// <paramref name="checkpoint"/> in format 1: its registered optimizer as a byte tensor among the method's tensors,
    /// magic "...-1", and neither a registered-optimizer nor an averaged-weights section (format 3 with both empty,
    /// minus their counts).
    /// </summary>
    private static byte[] FormatOne(Checkpoint checkpoint, string optimizerName)
    {
        using var scope = NewDisposeScope();
        var methodState = new Dictionary<string, Tensor>(checkpoint.MethodState)
        {
            [optimizerName] = tensor(checkpoint.RegisteredOptimizers[optimizerName], ScalarType.Byte),
        };
        var moved = new Checkpoint(checkpoint.Progress, checkpoint.Model, checkpoint.BestModel, checkpoint.Optimizer, checkpoint.RandomState, methodState);
        byte[] formatThree = CheckpointFormat.Serialize(moved);
        const int HashBytes = 32;
        Assert.Equal(0, BitConverter.ToInt32(formatThree, formatThree.Length - HashBytes - sizeof(int)));
        Assert.Equal(0, BitConverter.ToInt32(formatThree, formatThree.Length - HashBytes - 2 * sizeof(int)));
        byte[] payload = formatThree[..^(HashBytes + 2 * sizeof(int))];
        byte[] magic = Encoding.UTF8.GetBytes("EQUIMODAL-CHECKPOINT-3");
        Assert.Equal(magic, payload[1..(1 + magic.Length)]);
        payload[magic.Length] = (byte)'1';
        return payload.Concat(SHA256.HashData(payload)).ToArray();
    }
}
