using Equimodal.Methods;
using Equimodal.Tests.Training;
using Equimodal.Training;

namespace Equimodal.Tests.Methods;

public class MethodResumeTests
{
    // Options that make a method's state matter within 3 short epochs (defaults elsewhere).
    private static readonly Dictionary<string, string> ShortRunOptions = new(StringComparer.Ordinal)
    {
        ["gblend"] = "every=1",                        // weight estimates of epochs 0-1
        ["umt"] = "teacher-epochs=1",                  // the frozen teachers
        ["valuation"] = "warmup=1",                    // the copies selected after epoch 1 are spread over epoch 2
        ["attr-reg-published"] = "target-shares=adaptive",   // the separate fusion optimizer and the adaptive targets
        ["relearning"] = "every=1",                    // the re-learning after epoch 1 and the initial weights
        ["pmr"] = "regularize-epochs=3",               // prototypes of earlier epochs and their entropy regulariser
    };

    /// <summary>Every registered method, with the options of a short run.</summary>
    public static TheoryData<string, string> EveryMethod()
    {
        var data = new TheoryData<string, string>();
        foreach (MethodAttribute method in MethodRegistry.Methods) data.Add(method.Name, ShortRunOptions.GetValueOrDefault(method.Name, ""));
        // attr-reg's options that add state (the teachers) or change the model (normalised embeddings, last-block attributions).
        data.Add("attr-reg", "teacher-weight=1 teacher-epochs=1 embedding-norm=l2");
        data.Add("attr-reg", "attribution-layer=last-block embedding-norm=layernorm");
        // The self-distillation between the modalities' own logits, under a lambda warm-up.
        data.Add("attr-reg", "distill-weight=1 warmup-epochs=2");
        // The penalty that only lowers contributions above target.
        data.Add("attr-reg", "penalty-direction=down");
        return data;
    }

    /// <summary>
    /// Every registered method is constructed by the registry, trains, and, stopped mid-epoch 2 (after the step checkpoint
    /// at 15) and resumed, ends bit-identical to the uninterrupted run: weights, history and every epoch's method metrics
    /// (epoch means must include the steps before the resume, so their running sums belong in the checkpoint). Wall-clock
    /// timings ("...seconds") differ between any two runs and are left out.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryMethod))]
    public void Every_method_resumes_bit_identical_to_an_uninterrupted_run(string name, string option)
    {
        TrainingMethod Create() => MethodRegistry.Create(name, MethodSettings.Parse(option.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 5, CheckpointEverySteps = 5 };
        var uninterrupted = ResumeTests.Train(options, store: null, resume: false, method: Create);
        Assert.All(uninterrupted.Result.History, epoch => Assert.True(double.IsFinite(epoch.TrainLoss)));
        var store = new CheckpointStore(TestData.TempFolder(), keep: 2);
        // Mid-epoch 2, after the step checkpoint at 15: the estimates / teachers of epochs 0-1 must come from the checkpoint.
        Assert.Throws<OperationCanceledException>(() => ResumeTests.Train(options, store, resume: false, new ResumeTests.StopAfter(17), Create));
        var resumed = ResumeTests.Train(options, store, resume: true, method: Create);
        ResumeTests.AssertSameRun(uninterrupted, resumed);
        Assert.Equal(
            uninterrupted.Result.History.Select(h => string.Join(",", h.MethodMetrics.Where(kv => !kv.Key.EndsWith("seconds", StringComparison.Ordinal)).Select(kv => $"{kv.Key}={kv.Value:R}"))),
            resumed.Result.History.Select(h => string.Join(",", h.MethodMetrics.Where(kv => !kv.Key.EndsWith("seconds", StringComparison.Ordinal)).Select(kv => $"{kv.Key}={kv.Value:R}"))));
    }
}
