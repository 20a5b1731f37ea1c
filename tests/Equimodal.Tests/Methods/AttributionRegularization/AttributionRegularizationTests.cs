using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods.AttributionRegularization;

public class AttributionRegularizationTests
{
    /// <summary>
    /// The options with unimodal=0 unless they set it: these tests check the attribution penalty by hand, and attr-reg's
    /// default adds the unimodal cross-entropies, which have a test of their own.
    /// </summary>
    internal static string[] PenaltyOnly(string[] options) =>
        options.Any(o => o.StartsWith("unimodal-weight=", StringComparison.Ordinal)) ? options : options.Append("unimodal-weight=0").ToArray();

    internal sealed class Bench : IDisposable
    {
        public Bench(string name, long[] hidden, params string[] options)
            : this(name, hidden, MethodSettings.Parse(PenaltyOnly(options)))
        {
        }

        private Bench(string name, long[] hidden, MethodSettings settings)
        {
            torch.manual_seed(11);
            Splits = VectorData.Create(64);
            Model = new MultimodalClassifier(
                new (string, ModalityEncoder)[] { ("a", new MlpEncoder(4, hidden)), ("b", new MlpEncoder(4, hidden)) },
                new ConcatFusion(new[] { hidden.Length == 0 ? 4L : hidden[^1], hidden.Length == 0 ? 4L : hidden[^1] }, 4));
            Optimizer = optim.AdamW(Model.parameters());
            Method = (AttributionRegularizationMethod)MethodRegistry.Create(name, settings);
            Context = new MethodContext(Model, Optimizer, Splits, TestData.ShortTraining, CPU);
            Method.Setup(Context);
            Batch = Splits.Train.GetBatch(Enumerable.Range(0, 8).ToArray(), Augmentation.None);
        }

        /// <summary>The method exactly as registered, its unimodal term included, on the same model and batch.</summary>
        public static Bench WithRegisteredDefaults(string name) => new(name, Array.Empty<long>(), MethodSettings.Parse(Array.Empty<string>()));

        public DatasetSplits Splits { get; }
        public MultimodalClassifier Model { get; }
        public optim.Optimizer Optimizer { get; }
        public AttributionRegularizationMethod Method { get; }
        public MethodContext Context { get; }
        public Batch Batch { get; }

        public StepOutput Step(int epoch = 0)
        {
            var step = new StepInfo(epoch, 0, 0, 1);
            Optimizer.zero_grad();
            StepOutput output = Method.ComputeLoss(Batch, step);
            Method.Backward(output, step);
            return output;
        }

        public void Dispose()
        {
            Batch.Dispose();
            Model.Dispose();
        }
    }

    internal static double[][] Rows(Tensor t)
    {
        float[] values = t.detach().to_type(ScalarType.Float32).data<float>().ToArray();
        int columns = (int)t.shape[1];
        return Enumerable.Range(0, (int)t.shape[0]).Select(r => values.Skip(r * columns).Take(columns).Select(v => (double)v).ToArray()).ToArray();
    }

    /// <summary>
    /// The published formula by hand on a linear model with identity encoders: A_i = W[c*, slice_i] * e_i with c* the top
    /// class, a_i = ||A_i||_2, s_i = a_i / sum a, R = sum_i |s_i - 1/2| averaged over the batch; loss = CE + lambda R.
    /// </summary>
    [Theory]
    [InlineData("attr-reg-published", 1.0)]
    [InlineData("attr-reg", 2.5)]
    public void The_penalty_is_the_published_formula(string name, double lambda)
    {
        using var bench = new Bench(name, Array.Empty<long>(), $"lambda={lambda}");
        double[][] a = Rows(bench.Batch.Inputs[0]), b = Rows(bench.Batch.Inputs[1]);
        double[][] weight = Rows(((ConcatFusion)bench.Model.Fusion).Classifier.weight!);
        double[] bias = ((ConcatFusion)bench.Model.Fusion).Classifier.bias!.data<float>().Select(v => (double)v).ToArray();
        double penalty = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double[] features = a[i].Concat(b[i]).ToArray();
            double[] logits = weight.Select((w, c) => w.Zip(features, (x, y) => x * y).Sum() + bias[c]).ToArray();
            int top = Array.IndexOf(logits, logits.Max());
            double normA = Math.Sqrt(Enumerable.Range(0, 4).Sum(j => Math.Pow(weight[top][j] * a[i][j], 2)));
            double normB = Math.Sqrt(Enumerable.Range(0, 4).Sum(j => Math.Pow(weight[top][4 + j] * b[i][j], 2)));
            double shareA = normA / (normA + normB);
            penalty += Math.Abs(shareA - 0.5) + Math.Abs(1 - shareA - 0.5);
        }
        penalty /= a.Length;

        Tensor measured = new SharePenalty("l1", false).Of(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels), bench.Method.Targets);
        Assert.Equal(penalty, measured.item<float>(), 5);
        StepOutput output = bench.Step();
        double crossEntropy = nn.functional.cross_entropy(output.Logits, bench.Batch.Labels).item<float>();
        Assert.Equal(crossEntropy + lambda * penalty, output.Loss.item<float>(), 4);
    }

    [Fact]
    public void Pooling_and_target_options_change_the_shares_as_defined()
    {
        using var l2 = new Bench("attr-reg", Array.Empty<long>());
        using var l1 = new Bench("attr-reg", Array.Empty<long>(), "pooling=l1");
        using var trueClass = new Bench("attr-reg", Array.Empty<long>(), "attributed-class=true");
        double[][] a = Rows(l1.Batch.Inputs[0]), b = Rows(l1.Batch.Inputs[1]);
        double[][] weight = Rows(((ConcatFusion)l1.Model.Fusion).Classifier.weight!);
        long[] labels = l1.Batch.Labels.data<long>().ToArray();
        double[][] top = Rows(l1.Model.Fuse(l1.Batch.Inputs));
        double[][] sharesL1 = Rows(l1.Method.Shares(l1.Batch.Inputs, l1.Batch.Labels));
        double[][] sharesTrue = Rows(trueClass.Method.Shares(trueClass.Batch.Inputs, trueClass.Batch.Labels));
        for (int i = 0; i < a.Length; i++)
        {
            int c = Array.IndexOf(top[i], top[i].Max());
            double l1A = Enumerable.Range(0, 4).Sum(j => Math.Abs(weight[c][j] * a[i][j]));
            double l1B = Enumerable.Range(0, 4).Sum(j => Math.Abs(weight[c][4 + j] * b[i][j]));
            Assert.Equal(l1A / (l1A + l1B), sharesL1[i][0], 5);
            int y = (int)labels[i];
            double l2A = Math.Sqrt(Enumerable.Range(0, 4).Sum(j => Math.Pow(weight[y][j] * a[i][j], 2)));
            double l2B = Math.Sqrt(Enumerable.Range(0, 4).Sum(j => Math.Pow(weight[y][4 + j] * b[i][j], 2)));
            Assert.Equal(l2A / (l2A + l2B), sharesTrue[i][0], 5);
        }
        Assert.False(Rows(l2.Method.Shares(l2.Batch.Inputs, l2.Batch.Labels))[0].SequenceEqual(sharesL1[0]));
    }

    [Fact]
    public void Net_pooling_shares_each_modalitys_part_of_the_top_logit_clamped_at_zero()
    {
        using var net = new Bench("attr-reg", Array.Empty<long>(), "pooling=net");
        double[][] a = Rows(net.Batch.Inputs[0]), b = Rows(net.Batch.Inputs[1]);
        double[][] weight = Rows(((ConcatFusion)net.Model.Fusion).Classifier.weight!);
        double[][] top = Rows(net.Model.Fuse(net.Batch.Inputs));
        double[][] shares = Rows(net.Method.Shares(net.Batch.Inputs, net.Batch.Labels));
        int clamped = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int c = Array.IndexOf(top[i], top[i].Max());
            double partA = Math.Max(0, Enumerable.Range(0, 4).Sum(j => weight[c][j] * a[i][j]));
            double partB = Math.Max(0, Enumerable.Range(0, 4).Sum(j => weight[c][4 + j] * b[i][j]));
            clamped += partA == 0 || partB == 0 ? 1 : 0;
            double total = Math.Max(partA + partB, 1e-12);
            Assert.Equal(partA / total, shares[i][0], 5);
            Assert.Equal(partB / total, shares[i][1], 5);
        }
        Assert.InRange(clamped, 1, a.Length - 1);
    }

    [Fact]
    public void Integrated_gradients_equal_gradient_times_input_on_a_linear_fusion()
    {
        // A fixed class (the label): with the top class, IG would follow whichever logit is largest along the path.
        using var gxi = new Bench("attr-reg", Array.Empty<long>(), "attributed-class=true");
        using var ig = new Bench("attr-reg", Array.Empty<long>(), "attribution=ig", "ig-steps=4", "attributed-class=true");
        Tensor expected = gxi.Method.Shares(gxi.Batch.Inputs, gxi.Batch.Labels);
        Assert.True(ig.Method.Shares(ig.Batch.Inputs, ig.Batch.Labels).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Target_ratios_are_normalised_checked_and_adaptive_targets_follow_validation_accuracy()
    {
        using (var given = new Bench("attr-reg", Array.Empty<long>(), "target-shares=ratios", "target-ratios=3,1"))
            Assert.Equal(new[] { 0.75, 0.25 }, given.Method.Targets);
        var error = Assert.Throws<ArgumentException>(() => new Bench("attr-reg", Array.Empty<long>(), "target-shares=ratios", "target-ratios=1,1,1"));
        Assert.Contains("3 values for 2 modalities", error.Message);
        Assert.Contains("target-shares=ratios", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "target-ratios=1,2" }))).Message);

        using var adaptive = new Bench("attr-reg", Array.Empty<long>(), "target-shares=adaptive");
        Assert.Equal(new[] { 0.5, 0.5 }, adaptive.Method.Targets);
        var validation = new EvaluationResult { ModalityAccuracy = new Dictionary<string, double> { ["a"] = 0.9, ["b"] = 0.3 } };
        adaptive.Method.OnEpochEnd(new EpochEnd(0, validation));
        Assert.Equal(0.75, adaptive.Method.Targets[0], 12);
        Assert.Equal(0.25, adaptive.Method.Targets[1], 12);
    }

    [Fact]
    public void Lambda_warms_up_linearly()
    {
        var method = (AttributionRegularizationMethod)MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "lambda=2", "warmup-epochs=4" }));
        Assert.Equal(0, method.LambdaAt(0));
        Assert.Equal(1, method.LambdaAt(2));
        Assert.Equal(2, method.LambdaAt(4));
        Assert.Equal(2, method.LambdaAt(9));
    }

    /// <summary>
    /// Published scope: the encoders get exactly the cross-entropy gradient and the penalty moves only the fusion layers,
    /// through the separate optimizer; scope=all lets the penalty reach the encoders.
    /// </summary>
    [Fact]
    public void Fusion_scope_keeps_the_penalty_off_the_encoders_and_all_scope_does_not()
    {
        long[] hidden = { 6 };
        using var fusion = new Bench("attr-reg", hidden, "penalty-scope=fusion", "lambda=5");
        StepOutput output = fusion.Step();
        Dictionary<string, Tensor> withPenalty = fusion.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        fusion.Optimizer.zero_grad();
        nn.functional.cross_entropy(fusion.Model.Forward(fusion.Batch.Inputs).Logits, fusion.Batch.Labels).backward();
        foreach (var (name, parameter) in fusion.Model.named_parameters())
            Assert.True(parameter.grad!.allclose(withPenalty[name], rtol: 1e-5, atol: 1e-7), $"{name}: the main optimizer must see the cross-entropy gradient only");
        // The separate optimizer applies the penalty to the fusion layers after the main step (the classifier weight: the
        // attributions do not depend on the bias, so its penalty gradient is 0).
        Dictionary<string, Tensor> before = fusion.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        fusion.Method.AfterOptimizerStep(output, new StepInfo(0, 0, 0, 1));
        foreach (var (name, parameter) in fusion.Model.named_parameters())
            Assert.Equal(name == "fusion.fc_out.weight", !parameter.detach().allclose(before[name], rtol: 0, atol: 0));

        using var all = new Bench("attr-reg", hidden, "penalty-scope=all", "lambda=5");
        all.Step();
        Dictionary<string, Tensor> allGradients = all.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        all.Optimizer.zero_grad();
        nn.functional.cross_entropy(all.Model.Forward(all.Batch.Inputs).Logits, all.Batch.Labels).backward();
        string encoderWeight = all.Model.named_parameters().First(p => p.name.StartsWith("encoders.", StringComparison.Ordinal)).name;
        Assert.False(all.Model.named_parameters().Single(p => p.name == encoderWeight).parameter.grad!.allclose(allGradients[encoderWeight], rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void The_published_configuration_is_available_by_name_and_the_state_survives_a_round_trip()
    {
        using var published = new Bench("attr-reg-published", Array.Empty<long>(), "target-shares=adaptive");
        StepOutput output = published.Step();
        published.Method.AfterOptimizerStep(output, new StepInfo(0, 0, 0, 1));
        published.Method.OnEpochEnd(new EpochEnd(0, new EvaluationResult { ModalityAccuracy = new Dictionary<string, double> { ["a"] = 0.6, ["b"] = 0.2 } }));
        var state = new Dictionary<string, Tensor>();
        published.Method.SaveState(state);
        // The fusion optimizer is registered with the step runner, which checkpoints it (StepRunnerTests), not kept with the method's tensors.
        Assert.Contains("attr-reg.fusion-optimizer", published.Context.Steps.Optimizers.Keys);
        Assert.DoesNotContain("attr-reg.fusion-optimizer", state.Keys);

        using var restored = new Bench("attr-reg-published", Array.Empty<long>(), "target-shares=adaptive");
        restored.Method.LoadState(state);
        Assert.Equal(published.Method.Targets, restored.Method.Targets);
        Assert.Contains("defined for 2+ modalities", Assert.Throws<ArgumentException>(() =>
            RunPlan.CheckRequirements(MethodRegistry.Create("attr-reg"), new[] { "a" }, "concat")).Message);
        Assert.Contains("Valid options", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("attr-reg-published", MethodSettings.Parse(new[] { "gamma=1" }))).Message);
    }
}
