using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Tests.Data;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods.AttributionRegularization;

/// <summary>
/// What attr-reg attributes for the multi-label and regression tasks, by hand on a linear model with identity encoders:
/// the fused output is W [a; b] + c, so the Gradient x Input of a weighted sum of outputs sum_k w_k z_k is
/// (sum_k w_k W[k, slice_m]) * e_m per modality, and the L2 shares follow.
/// </summary>
public class AttributionRegularizationTaskTests
{
    private sealed class Bench : IDisposable
    {
        public Bench(TaskKind task, params string[] options)
        {
            torch.manual_seed(5);
            Splits = TaskVectorData.Create(task, 16);
            Model = new MultimodalClassifier(
                new (string, ModalityEncoder)[] { ("a", new MlpEncoder(4, Array.Empty<long>())), ("b", new MlpEncoder(4, Array.Empty<long>())) },
                new ConcatFusion(new[] { 4L, 4L }, Splits.Task.OutputSize));
            Method = (AttributionRegularizationMethod)MethodRegistry.Create("attr-reg", MethodSettings.Parse(AttributionRegularizationTests.PenaltyOnly(options)));
            Method.Setup(new MethodContext(Model, optim.AdamW(Model.parameters()), Splits, TestData.ShortTraining, CPU));
            Batch = Splits.Train.GetBatch(Enumerable.Range(0, 8).ToArray(), Augmentation.None);
        }

        public DatasetSplits Splits { get; }
        public MultimodalClassifier Model { get; }
        public AttributionRegularizationMethod Method { get; }
        public Batch Batch { get; }

        /// <summary>The first modality's share by hand, per sample, when the attributed value is sum_k weights[i][k] z_k.</summary>
        public double[] HandShares(Func<int, double[]> weights)
        {
            double[][] a = AttributionRegularizationTests.Rows(Batch.Inputs[0]), b = AttributionRegularizationTests.Rows(Batch.Inputs[1]);
            double[][] w = AttributionRegularizationTests.Rows(((ConcatFusion)Model.Fusion).Classifier.weight!);
            return Enumerable.Range(0, a.Length).Select(i =>
            {
                double[] v = weights(i);
                double Norm(double[] e, int offset) => Math.Sqrt(Enumerable.Range(0, 4).Sum(j => Math.Pow(Enumerable.Range(0, v.Length).Sum(k => v[k] * w[k][offset + j]) * e[j], 2)));
                double normA = Norm(a[i], 0), normB = Norm(b[i], 4);
                return normA / (normA + normB);
            }).ToArray();
        }

        public double[] Shares() => AttributionRegularizationTests.Rows(Method.Shares(Batch.Inputs, Batch.Labels)).Select(r => r[0]).ToArray();

        public void Dispose()
        {
            Batch.Dispose();
            Model.Dispose();
        }
    }

    [Fact]
    public void Regression_attributes_the_predicted_value_summed_over_targets()
    {
        using var bench = new Bench(TaskKind.Regression);
        double[] expected = bench.HandShares(_ => new[] { 1.0, 1.0 }), shares = bench.Shares();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], shares[i], 5);
        using var trueTarget = new Bench(TaskKind.Regression, "attributed-class=true");
        Assert.Equal(shares, trueTarget.Shares());
    }

    [Fact]
    public void Multi_label_attributes_the_positive_labels_logits_or_the_predicted_labels_logits()
    {
        using var positive = new Bench(TaskKind.MultiLabel, "attributed-class=true");
        double[][] labels = AttributionRegularizationTests.Rows(positive.Batch.Labels);
        Assert.Contains(labels, row => row.Sum() >= 2);
        double[] expected = positive.HandShares(i => labels[i]);
        double[] shares = positive.Shares();
        for (int i = 0; i < labels.Length; i++)
        {
            // A sample without labels explains a constant: no attribution, equal shares (nothing to push toward uniform targets).
            if (labels[i].Sum() == 0) Assert.Equal(0.5, shares[i], 6);
            else Assert.Equal(expected[i], shares[i], 5);
        }

        using var predicted = new Bench(TaskKind.MultiLabel);
        double[][] logits = AttributionRegularizationTests.Rows(predicted.Model.Fuse(predicted.Batch.Inputs));
        double[] expectedTop = predicted.HandShares(i => logits[i].Select(z => z > 0 ? 1.0 : 0.0).ToArray());
        double[] top = predicted.Shares();
        for (int i = 0; i < logits.Length; i++) Assert.Equal(logits[i].Any(z => z > 0) ? expectedTop[i] : 0.5, top[i], 5);
    }

    [Fact]
    public void The_loss_is_the_tasks_loss_plus_lambda_times_the_penalty()
    {
        using var bench = new Bench(TaskKind.Regression, "lambda=0.5");
        double penalty = bench.Shares().Average(s => Math.Abs(s - 0.5) + Math.Abs(1 - s - 0.5));
        StepOutput output = bench.Method.ComputeLoss(bench.Batch, new StepInfo(0, 0, 0, 1));
        double mse = nn.functional.mse_loss(output.Logits, bench.Batch.Labels).item<float>();
        Assert.Equal(mse + 0.5 * penalty, output.Loss.item<float>(), 4);
    }

    [Theory]
    [InlineData(TaskKind.Regression)]
    [InlineData(TaskKind.MultiLabel)]
    public void Unimodal_weight_auto_adds_the_own_outputs_loss_once_on_tasks_other_than_classification(TaskKind task)
    {
        using var bench = new Bench(task, "unimodal-weight=auto");
        Assert.Equal(1, bench.Method.Options.UnimodalWeightFor(task));
        double penalty = bench.Shares().Average(s => Math.Abs(s - 0.5) + Math.Abs(1 - s - 0.5));
        StepOutput output = bench.Method.ComputeLoss(bench.Batch, new StepInfo(0, 0, 0, 1));
        ModelOutput forward = bench.Model.Forward(bench.Batch.Inputs);
        double taskLoss = bench.Splits.Task.Loss(forward.Logits, bench.Batch.Labels).item<float>();
        double ownLoss = forward.ModalityLogits.Average(z => (double)bench.Splits.Task.Loss(z, bench.Batch.Labels).item<float>());
        Assert.Equal(taskLoss + penalty + ownLoss, output.Loss.item<float>(), 4);
    }

    [Theory]
    [InlineData("quantity=drop", "quantity=drop")]
    [InlineData("target-shares=per-sample", "target-shares=per-sample")]
    [InlineData("distill-weight=1", "distill-weight")]
    public void Options_that_need_class_probabilities_are_refused_for_other_tasks(string option, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => new Bench(TaskKind.Regression, option));
        Assert.StartsWith($"Method 'attr-reg' option {named}", error.Message);
        Assert.EndsWith("is defined for classification only, not the regression task; leave it at its default.", error.Message);
    }
}
