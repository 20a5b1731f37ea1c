using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

/// <summary>Teachers trained once (one epoch each, on the small benchmark) and shared by the tests as saved state.</summary>
public sealed class TrainedTeachers : IDisposable
{
    public TrainedTeachers()
    {
        Method = UniModalTeacherMethodTests.Create();
        Bench = new MethodTestBench(Method, epochs: 2);
        using Tensor before = get_rng_state();
        Method.OnEpochStart(0);
        using Tensor after = get_rng_state();
        GeneratorRestored = before.eq(after).all().item<bool>();
        var state = new Dictionary<string, Tensor>();
        Method.SaveState(state);
        State = state.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    public UniModalTeacherMethod Method { get; }

    public MethodTestBench Bench { get; }

    public bool GeneratorRestored { get; }

    public Dictionary<string, Tensor> State { get; }

    public void Dispose() => Bench.Dispose();
}

public class UniModalTeacherMethodTests(TrainedTeachers trained) : IClassFixture<TrainedTeachers>
{
    internal static UniModalTeacherMethod Create() =>
        (UniModalTeacherMethod)MethodRegistry.Create("umt", MethodSettings.Parse(new[] { "distill=0.5", "teacher-epochs=1" }));

    private UniModalTeacherMethod Restored(MethodTestBench bench)
    {
        var method = (UniModalTeacherMethod)bench.Method;
        method.LoadState(trained.State);
        return method;
    }

    [Fact]
    public void Distillation_loss_is_the_sum_over_modalities_of_the_mean_squared_feature_error()
    {
        // audio: ((1-0)^2 + 0 + 0 + (4-2)^2) / 4 = 1.25; visual: ((1-3)^2 + 0) / 2 = 2.
        Tensor[] student = { tensor(new float[,] { { 1, 2 }, { 3, 4 } }), tensor(new float[,] { { 1 }, { 5 } }) };
        Tensor[] teacher = { tensor(new float[,] { { 0, 2 }, { 3, 2 } }), tensor(new float[,] { { 3 }, { 5 } }) };
        Assert.Equal(3.25, UniModalTeacherMethod.DistillationLoss(student, teacher).item<float>(), 6);
    }

    [Fact]
    public void Teachers_are_single_modality_models_trained_before_the_first_epoch_without_changing_the_generator()
    {
        Assert.True(trained.GeneratorRestored);
        Assert.True(trained.Method.TeacherSeconds > 0);
        Assert.Equal(1, trained.Method.TeacherEpochs);
        Assert.Equal(new[] { "audio", "visual" }, trained.Method.Teachers.Select(t => t.ModalityNames.Single()));
        Assert.Equal(trained.Method.TeacherSeconds, trained.Method.EpochMetrics()["umt.teacher-seconds"]);
    }

    [Fact]
    public void Loss_is_cross_entropy_plus_distill_times_the_hand_computed_feature_error()
    {
        using var bench = new MethodTestBench(Create(), epochs: 2);
        UniModalTeacherMethod method = Restored(bench);
        StepOutput output = method.ComputeLoss(bench.Batch, new StepInfo(0, 0, 0, 1));
        using var noGrad = no_grad();
        Tensor[] student = bench.Model.Encode(bench.Batch.Inputs);
        double byHand = nn.functional.cross_entropy(bench.Model.Fuse(student), bench.Batch.Labels).item<float>();
        for (int m = 0; m < 2; m++)
        {
            float[] s = student[m].data<float>().ToArray();
            float[] t = method.Teachers[m].Encode(new[] { bench.Batch.Inputs[m] })[0].data<float>().ToArray();
            Assert.Equal(s.Length, t.Length);
            byHand += 0.5 * s.Zip(t, (a, b) => (double)(a - b) * (a - b)).Sum() / s.Length;
        }
        Assert.Equal(byHand, output.Loss.item<float>(), 4);
    }

    [Fact]
    public void Teachers_are_frozen_and_unchanged_by_a_training_step()
    {
        using var bench = new MethodTestBench(Create(), epochs: 2);
        UniModalTeacherMethod method = Restored(bench);
        Dictionary<string, Tensor>[] before = method.Teachers.Select(t => t.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone())).ToArray();
        bench.ForwardBackward(epoch: 0);
        bench.Optimizer.step();
        for (int m = 0; m < 2; m++)
        {
            Assert.False(method.Teachers[m].training);
            foreach (var (name, parameter) in method.Teachers[m].named_parameters())
            {
                Assert.False(parameter.requires_grad, name);
                Assert.Null(parameter.grad);
            }
            foreach (var (key, value) in method.Teachers[m].state_dict()) Assert.True(value.eq(before[m][key]).all().item<bool>(), key);
        }
    }

    [Fact]
    public void The_distillation_gradient_reaches_only_the_encoders()
    {
        using var bench = new MethodTestBench(Create(), epochs: 2);
        UniModalTeacherMethod method = Restored(bench);
        bench.Optimizer.zero_grad();
        ModelOutput output = bench.Model.Forward(bench.Batch.Inputs);
        method.Distillation(output.Embeddings, bench.Batch).backward();
        foreach (var (name, parameter) in bench.Model.Fusion.named_parameters())
            Assert.True(parameter.grad is null || parameter.grad.abs().max().item<float>() == 0, name);
        for (int m = 0; m < 2; m++)
            Assert.True(bench.Model.EncoderParameters(m).Where(p => p.grad is not null).Sum(p => p.grad!.abs().sum().item<float>()) > 0, bench.Model.ModalityNames[m]);
    }

    [Fact]
    public void A_resumed_run_reuses_the_saved_teachers_instead_of_training_new_ones()
    {
        using var bench = new MethodTestBench(Create(), epochs: 2);
        UniModalTeacherMethod method = Restored(bench);
        method.OnEpochStart(1);
        Assert.Equal(0, method.TeacherSeconds);
        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        Assert.Equal(trained.State.Keys.Order(), state.Keys.Order());
        foreach (var (key, value) in trained.State) Assert.True(value.eq(state[key]).all().item<bool>(), key);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Contains("teacher-epochs=0", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("umt", MethodSettings.Parse(new[] { "teacher-epochs=0" }))).Message);
        Assert.Contains("Valid options", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("umt", MethodSettings.Parse(new[] { "alpha=1" }))).Message);
        Assert.Equal(1, ((UniModalTeacherMethod)MethodRegistry.Create("umt")).Distill);
    }

    [Fact]
    public void A_teachers_progress_names_the_tasks_main_metric()
    {
        EpochRecord Record(Equimodal.Evaluation.TaskScores? task) => new()
        {
            Epoch = 2, TrainSeconds = 1.26, Validation = new Equimodal.Evaluation.EvaluationResult { Accuracy = 0.8127, Task = task },
        };
        Assert.Equal("audio teacher: epoch 2/3, validation accuracy 81.3%, 1.3 s", UnimodalTeachers.ProgressLine("audio", Record(null), 3));
        Assert.Equal("audio teacher: epoch 2/3, validation CCC 0.813, 1.3 s",
            UnimodalTeachers.ProgressLine("audio", Record(new Equimodal.Evaluation.TaskScores { MainMetric = "CCC" }), 3));
    }
}
