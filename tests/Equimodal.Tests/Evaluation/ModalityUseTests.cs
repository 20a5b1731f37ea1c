using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;
using static TorchSharp.torch;
using Bench = Equimodal.Tests.Methods.AttributionRegularization.AttributionRegularizationTests.Bench;

namespace Equimodal.Tests.Evaluation;

/// <summary>The modality-use diagnostic by hand on a linear model, and as the training option any method can turn on.</summary>
public class ModalityUseTests
{
    private static double[][] Rows(Tensor t) => Methods.AttributionRegularization.AttributionRegularizationTests.Rows(t);

    private static double[] Row(Tensor t) => t.detach().to_type(ScalarType.Float64).data<double>().ToArray();

    private static double[] Logits(double[][] weight, double[] bias, double[] features) =>
        weight.Select((w, c) => w.Zip(features, (x, y) => x * y).Sum() + bias[c]).ToArray();

    private static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max(), log = Math.Log(logits.Sum(z => Math.Exp(z - max))) + max;
        return logits.Select(z => z - log).ToArray();
    }

    [Fact]
    public void Diagnostics_measure_norms_ablation_and_own_accuracy_by_hand()
    {
        using var bench = new Bench("attr-reg", Array.Empty<long>());
        IMultimodalDataset validation = bench.Splits.Validation;
        Batch all = validation.GetBatch(Enumerable.Range(0, validation.Count).ToArray(), Augmentation.None);
        Dictionary<string, double> measured = ModalityUse.Measure(bench.Model, validation, 7, CPU);
        var head = ((ConcatFusion)bench.Model.Fusion).Classifier;
        double[][] weight = Rows(head.weight!);
        double[] bias = Row(head.bias!);
        double[][] a = Rows(all.Inputs[0]), b = Rows(all.Inputs[1]);
        long[] labels = all.Labels.data<long>().ToArray();
        int n = a.Length;
        static int ArgMax(double[] v) => Array.IndexOf(v, v.Max());
        double[] zero = new double[4];
        double correct = 0, withoutA = 0, lossFull = 0, lossWithoutA = 0, ownB = 0;
        for (int i = 0; i < n; i++)
        {
            double[] full = Logits(weight, bias, a[i].Concat(b[i]).ToArray()), noA = Logits(weight, bias, zero.Concat(b[i]).ToArray());
            correct += ArgMax(full) == labels[i] ? 1 : 0;
            withoutA += ArgMax(noA) == labels[i] ? 1 : 0;
            lossFull -= LogSoftmax(full)[labels[i]];
            lossWithoutA -= LogSoftmax(noA)[labels[i]];
            double[] own = Logits(weight.Select(w => new double[4].Concat(w.Skip(4)).ToArray()).ToArray(), bias.Select(v => v / 2).ToArray(), zero.Concat(b[i]).ToArray());
            ownB += ArgMax(own) == labels[i] ? 1 : 0;
        }
        Assert.Equal(a.Average(r => Math.Sqrt(r.Sum(v => v * v))), measured["embedding-norm.a"], 4);
        Assert.Equal(Math.Sqrt(weight.Sum(w => w.Skip(4).Sum(v => v * v))), measured["fusion-weight-norm.b"], 5);
        Assert.Equal((correct - withoutA) / n, measured["ablation-accuracy-drop.a"], 6);
        Assert.Equal((lossWithoutA - lossFull) / n, measured["ablation-loss-increase.a"], 4);
        Assert.Equal(ownB / n, measured["own-accuracy.b"], 6);
        Assert.Equal(1.0, measured["gxi-share.a"] + measured["gxi-share.b"], 5);
        all.Dispose();
    }

    [Theory]
    [InlineData("joint")]
    [InlineData("attr-reg")]
    public void The_training_option_logs_the_diagnostic_of_every_epoch_for_any_method(string method)
    {
        var config = new RunConfig
        {
            Method = method,
            Training = new TrainingOptions { Epochs = 1, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 4, ModalityUse = true },
            TensorBoard = false,
        };
        DatasetSplits splits = VectorData.Create(120);
        string run = TestData.TempFolder();
        TrainingResult result = Experiment.Run(config, splits, run);
        // One epoch: the saved model is the one measured at its end.
        using MultimodalClassifier model = new RunFolder(run).LoadModel();
        Dictionary<string, double> measured = ModalityUse.Measure(model, splits.Validation, 16, CPU);
        IReadOnlyDictionary<string, double> logged = new RunFolder(run).ReadEpochs().Single().MethodMetrics;
        Assert.Equal(measured.Count, logged.Keys.Count(k => k.StartsWith(ModalityUse.MetricPrefix, StringComparison.Ordinal)));
        foreach (var (name, value) in measured) Assert.Equal(value, logged[ModalityUse.MetricPrefix + name], 12);
        Assert.Equal(result.History.Single().MethodMetrics[$"{ModalityUse.MetricPrefix}own-accuracy.b"], logged[$"{ModalityUse.MetricPrefix}own-accuracy.b"], 12);

        // Off (the default), nothing is measured.
        string plain = TestData.TempFolder();
        Experiment.Run(config with { Training = config.Training with { ModalityUse = false } }, splits, plain);
        Assert.DoesNotContain(new RunFolder(plain).ReadEpochs().Single().MethodMetrics.Keys, k => k.StartsWith(ModalityUse.MetricPrefix, StringComparison.Ordinal));
    }
}
