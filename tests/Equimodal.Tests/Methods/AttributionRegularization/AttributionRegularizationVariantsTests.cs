using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;
using Bench = Equimodal.Tests.Methods.AttributionRegularization.AttributionRegularizationTests.Bench;

namespace Equimodal.Tests.Methods.AttributionRegularization;

/// <summary>The attr-reg variants whose shares cannot be met by rescaling, and their targets: hand-computed values and gradient checks.</summary>
public class AttributionRegularizationVariantsTests
{
    private static double[] Rows1(Tensor t) => t.detach().to_type(ScalarType.Float64).data<double>().ToArray();

    private static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max(), log = Math.Log(logits.Sum(z => Math.Exp(z - max))) + max;
        return logits.Select(z => z - log).ToArray();
    }

    /// <summary>Logits of the linear concat head on features [a, b] by hand.</summary>
    private static double[] Logits(double[][] weight, double[] bias, double[] features) =>
        weight.Select((w, c) => w.Zip(features, (x, y) => x * y).Sum() + bias[c]).ToArray();

    [Fact]
    public void Log_probability_shares_attribute_the_log_softmax_and_ignore_what_every_class_gets()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "quantity=log-prob", "attributed-class=true");
        double[][] a = AttributionRegularizationTests.Rows(bench.Batch.Inputs[0]), b = AttributionRegularizationTests.Rows(bench.Batch.Inputs[1]);
        var head = ((ConcatFusion)bench.Model.Fusion).Classifier;
        double[][] weight = AttributionRegularizationTests.Rows(head.weight!);
        double[] bias = Rows1(head.bias!);
        long[] labels = bench.Batch.Labels.data<long>().ToArray();
        double[][] shares = AttributionRegularizationTests.Rows(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels));
        for (int i = 0; i < a.Length; i++)
        {
            double[] features = a[i].Concat(b[i]).ToArray();
            double[] p = LogSoftmax(Logits(weight, bias, features)).Select(Math.Exp).ToArray();
            int y = (int)labels[i];
            // d log p_y / d x_j = W[y, j] - sum_k p_k W[k, j]; attribution = x_j times that.
            double[] attribution = features.Select((x, j) => x * (weight[y][j] - Enumerable.Range(0, 4).Sum(k => p[k] * weight[k][j]))).ToArray();
            double normA = Math.Sqrt(attribution.Take(4).Sum(v => v * v)), normB = Math.Sqrt(attribution.Skip(4).Sum(v => v * v));
            Assert.Equal(normA / (normA + normB), shares[i][0], 5);
        }

        // Adding the same vector to every class's weights on modality a changes its logit attribution but no prediction:
        // the log-prob shares do not move, the logit shares do.
        using var logit = new Bench("attr-reg", Array.Empty<long>(), "attributed-class=true");
        Tensor logitBefore = logit.Method.Shares(logit.Batch.Inputs, logit.Batch.Labels).detach().clone();
        Tensor logProbBefore = bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels).detach().clone();
        using (no_grad())
        {
            Tensor shift = cat(new[] { full(new long[] { 1, 4 }, 3.0f), zeros(1, 4) }, 1);
            ((ConcatFusion)logit.Model.Fusion).Classifier.weight!.add_(shift);
            head.weight!.add_(shift);
        }
        Assert.True(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels).allclose(logProbBefore, rtol: 1e-4, atol: 1e-5));
        Assert.False(logit.Method.Shares(logit.Batch.Inputs, logit.Batch.Labels).allclose(logitBefore, rtol: 1e-2, atol: 1e-3));
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("zero")]
    public void Drop_shares_are_the_clamped_loss_of_true_class_log_probability_without_each_modality(string baseline)
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "quantity=drop", $"drop-baseline={baseline}");
        double[][] a = AttributionRegularizationTests.Rows(bench.Batch.Inputs[0]), b = AttributionRegularizationTests.Rows(bench.Batch.Inputs[1]);
        var head = ((ConcatFusion)bench.Model.Fusion).Classifier;
        double[][] weight = AttributionRegularizationTests.Rows(head.weight!);
        double[] bias = Rows1(head.bias!);
        long[] labels = bench.Batch.Labels.data<long>().ToArray();
        double[] Mean(double[][] rows) => Enumerable.Range(0, 4).Select(j => baseline == "mean" ? rows.Average(r => r[j]) : 0).ToArray();
        double[] meanA = Mean(a), meanB = Mean(b);
        double[][] shares = AttributionRegularizationTests.Rows(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels));
        int helped = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int y = (int)labels[i];
            double LogP(double[] x, double[] z) => LogSoftmax(Logits(weight, bias, x.Concat(z).ToArray()))[y];
            double full = LogP(a[i], b[i]);
            double dropA = Math.Max(0, full - LogP(meanA, b[i])), dropB = Math.Max(0, full - LogP(a[i], meanB));
            double expected = dropA + dropB == 0 ? 0 : dropA / (dropA + dropB);
            Assert.Equal(expected, shares[i][0], 4);
            if (dropA + dropB > 0) helped++;
        }
        Assert.True(helped > 0, "some sample must have a positive contribution");
    }

    /// <summary>
    /// Central finite differences against autograd for the penalty of every share quantity, on the fusion weights and on an
    /// embedding (float32 model, so a step of 5e-4 and a tolerance of 1e-3 + 2 % of the gradient).
    /// </summary>
    [Theory]
    [InlineData("quantity=log-prob", "attributed-class=true")]
    [InlineData("quantity=log-prob", "attributed-class=top")]
    [InlineData("quantity=drop", "drop-baseline=mean")]
    [InlineData("quantity=drop", "drop-baseline=zero")]
    public void The_penalty_gradient_matches_finite_differences(string quantity, string option)
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), quantity, option);
        // Weights that read the label's rule (class = 2 [a_0 > 0] + [b_0 > 0]) on top of the random ones, so that both
        // modalities help on most samples (where the drop shares are not clamped to 0 or 1).
        using (no_grad())
        {
            Tensor rule = zeros(4, 8);
            for (int c = 0; c < 4; c++)
            {
                rule[c, 0] = c >= 2 ? 3f : -3f;
                rule[c, 4] = c % 2 == 1 ? 3f : -3f;
            }
            ((ConcatFusion)bench.Model.Fusion).Classifier.weight!.add_(rule);
        }
        Tensor a = bench.Batch.Inputs[0].detach().clone().requires_grad_(true);
        Tensor b = bench.Batch.Inputs[1].detach();
        Tensor weight = ((ConcatFusion)bench.Model.Fusion).Classifier.weight!;
        double Penalty() => new SharePenalty("l2", false).Of(bench.Method.Shares(new[] { a, b }, bench.Batch.Labels), bench.Method.Targets).item<float>();
        Tensor penalty = new SharePenalty("l2", false).Of(bench.Method.Shares(new[] { a, b }, bench.Batch.Labels), bench.Method.Targets);
        Tensor[] gradients = torch.autograd.grad(new[] { penalty }, new[] { weight, a }).ToArray();
        Assert.True(gradients[0].abs().max().item<float>() > 1e-6, "the penalty must reach the fusion weights");
        Assert.True(gradients[1].abs().max().item<float>() > 1e-6, "the penalty must reach the embeddings (the encoders)");
        const float h = 5e-4f;
        foreach (var (tensor, gradient) in new[] { (weight, gradients[0]), (a, gradients[1]) })
        {
            for (int k = 0; k < 6; k++)
            {
                long row = k % tensor.shape[0], column = (k * 3) % tensor.shape[1];
                float original;
                using (no_grad()) original = tensor[row, column].item<float>();
                using (no_grad()) tensor[row, column] = original + h;
                double plus = Penalty();
                using (no_grad()) tensor[row, column] = original - h;
                double minus = Penalty();
                using (no_grad()) tensor[row, column] = original;
                double expected = gradient[row, column].item<float>(), difference = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(difference - expected) <= 1e-3 + 0.02 * Math.Abs(expected), $"[{row}, {column}]: finite difference {difference}, autograd {expected}");
            }
        }
    }

    [Fact]
    public void Per_sample_targets_weigh_the_penalty_by_the_samples_every_modality_informs()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "target-shares=per-sample", "lambda=2");
        StepOutput output = bench.Step();
        var model = bench.Model;
        ModelOutput forward = model.Forward(bench.Batch.Inputs);
        Tensor mask = PerSampleTargets.Informative(forward.ModalityLogits, bench.Batch.Labels).all(1).to_type(ScalarType.Float32);
        Tensor expected = nn.functional.cross_entropy(forward.Logits, bench.Batch.Labels)
            + 2 * new SharePenalty("l1", false).Of(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels), bench.Method.Targets, mask);
        Assert.Equal(expected.item<float>(), output.Loss.item<float>(), 5);
    }

    [Fact]
    public void Inverse_variance_targets_follow_the_unimodal_errors_of_the_epoch()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "target-shares=inverse-variance");
        Assert.Equal(new[] { 0.5, 0.5 }, bench.Method.Targets);
        bench.Method.OnEpochStart(0);
        bench.Step();
        double[] measured = InverseVarianceTargets.UnimodalErrors(bench.Model.Forward(bench.Batch.Inputs).ModalityLogits, bench.Batch.Labels);
        bench.Method.OnEpochEnd(new EpochEnd(0, new EvaluationResult()));
        double[] expected = InverseVarianceTargets.FromErrors(measured);
        Assert.Equal(expected[0], bench.Method.Targets[0], 6);
        Assert.Equal(measured[1], bench.Method.EpochMetrics()["attr-reg.unimodal-error.b"], 6);
    }

    [Fact]
    public void The_default_trains_each_modalitys_own_logits_and_the_published_variant_does_not()
    {
        Assert.Equal("auto", MethodRegistry.ResolvedOptions("attr-reg", new Dictionary<string, string>())["unimodal-weight"]);
        Assert.Equal("0", MethodRegistry.ResolvedOptions("attr-reg-published", new Dictionary<string, string>())["unimodal-weight"]);
    }

    [Fact]
    public void Unimodal_heads_add_the_mean_cross_entropy_of_each_modalitys_own_logits()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "unimodal-weight=0.5", "lambda=2");
        StepOutput output = bench.Step();
        ModelOutput forward = bench.Model.Forward(bench.Batch.Inputs);
        double crossEntropy = nn.functional.cross_entropy(forward.Logits, bench.Batch.Labels).item<float>();
        double unimodal = forward.ModalityLogits.Average(z => nn.functional.cross_entropy(z, bench.Batch.Labels).item<float>());
        double penalty = new SharePenalty("l1", false).Of(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels), bench.Method.Targets).item<float>();
        Assert.Equal(crossEntropy + 2 * penalty + 0.5 * unimodal, output.Loss.item<float>(), 5);
    }

    [Fact]
    public void On_classification_the_defaults_loss_is_the_fused_cross_entropy_plus_the_penalty_plus_eight_times_the_mean_own_cross_entropy()
    {
        using var bench = Bench.WithRegisteredDefaults("attr-reg");
        Assert.Null(bench.Method.Options.UnimodalWeight);
        Assert.Equal(8, bench.Method.Options.UnimodalWeightFor(TaskKind.Classification));
        StepOutput output = bench.Step();
        ModelOutput forward = bench.Model.Forward(bench.Batch.Inputs);
        double crossEntropy = nn.functional.cross_entropy(forward.Logits, bench.Batch.Labels).item<float>();
        double[] own = forward.ModalityLogits.Select(z => (double)nn.functional.cross_entropy(z, bench.Batch.Labels).item<float>()).ToArray();
        double penalty = new SharePenalty("l1", false).Of(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels), bench.Method.Targets).item<float>();
        Assert.Equal(crossEntropy + penalty + 8 * (own[0] + own[1]) / 2, output.Loss.item<float>(), 5);
    }

    [Theory]
    [InlineData("unimodal-weight=often", "expected auto or a number in [0, 1000000]")]
    [InlineData("unimodal-weight=-1", "expected auto or a number in [0, 1000000]")]
    public void Unimodal_weight_is_auto_or_a_number(string option, string reason)
    {
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { option }))).Message);
        Assert.Equal(2.5, new AttributionRegularizationOptions(MethodSettings.Parse(new[] { "unimodal-weight=2.5" })).UnimodalWeightFor(TaskKind.Classification));
    }

    [Fact]
    public void Distill_adds_mbsds_self_distillation_between_the_own_logits_with_its_weight()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>(), "unimodal-weight=0.5", "lambda=2", "distill-weight=3");
        StepOutput output = bench.Step();
        ModelOutput forward = bench.Model.Forward(bench.Batch.Inputs);
        double crossEntropy = nn.functional.cross_entropy(forward.Logits, bench.Batch.Labels).item<float>();
        double unimodal = forward.ModalityLogits.Average(z => nn.functional.cross_entropy(z, bench.Batch.Labels).item<float>());
        double penalty = new SharePenalty("l1", false).Of(bench.Method.Shares(bench.Batch.Inputs, bench.Batch.Labels), bench.Method.Targets).item<float>();
        double distillation = MbsdMethod.PairTerm(forward.ModalityLogits[0], forward.ModalityLogits[1], bench.Batch.Labels).item<float>();
        Assert.True(distillation > 1e-4, "the test batch must have modalities of different confidence");
        Assert.Equal(crossEntropy + 2 * penalty + 0.5 * unimodal + 3 * distillation, output.Loss.item<float>(), 5);
    }

    [Fact]
    public void Down_only_shares_keep_their_values_and_pass_gradient_only_to_contributions_above_target()
    {
        using var scope = NewDisposeScope();
        Tensor contributions = tensor(new float[] { 3, 1, 1, 3 }).view(2, 2).requires_grad_();
        double[] uniform = { 0.5, 0.5 };
        Tensor shares = PenalisedShares.DownOnly(contributions, uniform);
        Assert.Equal(new[] { 0.75, 0.25, 0.25, 0.75 }, Rows1(shares.flatten()));
        // Mean over the samples of 2 |s_above - 0.5|: 0.5. Its derivative by the contribution above target is
        // (1/2) * 2 * c_other / (c_1 + c_2)^2 = 1/16; the one below target gets none (with both it would get -3/16).
        Tensor penalty = new SharePenalty("l1", false).Of(shares, uniform);
        Assert.Equal(0.5, penalty.item<float>(), 6);
        penalty.backward();
        double[] gradient = Rows1(contributions.grad!.flatten());
        Assert.Equal(new[] { 0.0625, 0.0, 0.0, 0.0625 }, gradient.Select(g => Math.Round(g, 6)));
    }

    [Fact]
    public void Penalty_direction_down_leaves_a_weak_modality_without_penalty_gradient_and_the_dominant_ones_unchanged()
    {
        double[][] Gradients(string direction)
        {
            using var bench = new Bench("attr-reg", Array.Empty<long>(), $"penalty-direction={direction}");
            // Modality b scaled down: its share is below 1/2 on every sample, so only a's contributions are above target.
            Tensor a = bench.Batch.Inputs[0].detach().clone().requires_grad_(), b = (bench.Batch.Inputs[1] * 0.1f).detach().requires_grad_();
            Tensor shares = bench.Method.Shares(new[] { a, b }, bench.Batch.Labels);
            Assert.All(AttributionRegularizationTests.Rows(shares), row => Assert.True(row[1] < 0.5, "modality b must be below its target"));
            Tensor penalty = new SharePenalty("l1", false).Of(shares, bench.Method.Targets);
            IList<Tensor> gradients = torch.autograd.grad(new[] { penalty }, new[] { a, b });
            return gradients.Select(g => Rows1(g.flatten())).ToArray();
        }

        double[][] both = Gradients("both"), down = Gradients("down");
        Assert.Contains(both[1], g => Math.Abs(g) > 1e-4);
        Assert.All(down[1], g => Assert.Equal(0.0, g));
        for (int i = 0; i < both[0].Length; i++) Assert.Equal(both[0][i], down[0][i], 6);
        Assert.Contains(down[0], g => Math.Abs(g) > 1e-4);
    }

    [Fact]
    public void Targets_or_penalties_taken_over_the_whole_batch_are_refused_under_data_parallel_training()
    {
        Assert.True(MethodRegistry.Create("attr-reg").DataParallel.Exact);
        Assert.True(MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "target-shares=per-sample" })).DataParallel.Exact);
        DataParallelSupport inverseVariance = MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "target-shares=inverse-variance" })).DataParallel;
        Assert.False(inverseVariance.Exact);
        Assert.Contains("target-shares=inverse-variance", inverseVariance.Reason);
        Assert.False(MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "penalty-per=batch" })).DataParallel.Exact);
    }
}
