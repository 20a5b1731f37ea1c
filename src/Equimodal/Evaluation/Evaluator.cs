using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>Runs a model over a dataset without gradients and computes every metric; the same code for every method.</summary>
public static class Evaluator
{
    /// <summary>
    /// Scores of a model on a dataset: fused logits and each modality's logits, as [samples, classes] arrays, and each
    /// modality's mean attribution share. <see cref="Labels"/> are the classes (classification; zeros otherwise) and
    /// <see cref="LabelValues"/> the [samples, outputs] label values of the other tasks (empty for classification).
    /// </summary>
    public sealed record Scores(double[,] Fused, IReadOnlyList<double[,]> PerModality, int[] Labels, IReadOnlyList<double> MeanAttributionShares)
    {
        /// <summary>Multi-hot labels or target values [samples, outputs] of a multi-label or regression dataset.</summary>
        public double[,] LabelValues { get; init; } = new double[0, 0];
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="dataset"/>, bound to the model (<see cref="ModalityBinding"/>: inputs
    /// in model order); <paramref name="condition"/> makes modalities absent (<see cref="MissingModality"/>) or corrupts them, at test time only.
    /// Multi-label only: <paramref name="labelThreshold"/> is the probability threshold of the F1 scores (null: chosen on
    /// <paramref name="dataset"/>, as on validation). <paramref name="task"/> is the run's task with its settings
    /// (<see cref="DatasetSplits.Task"/>: a regression task's score range adds metrics); null: the dataset's task with none.
    /// </summary>
    public static EvaluationResult Evaluate(MultimodalClassifier model, IMultimodalDataset dataset, int batchSize, Device device,
        TestCondition? condition = null, double? labelThreshold = null, PredictionTask? task = null)
    {
        Scores scores = Collect(model, dataset, batchSize, device, condition);
        return dataset.Task == TaskKind.Classification
            ? FromScores(scores, model.ModalityNames, dataset.ClassNames.Count)
            : TaskEvaluation.FromScores(scores, model.ModalityNames, task ?? PredictionTask.Create(dataset.Task, dataset.ClassNames), labelThreshold);
    }

    /// <summary>Computes the metrics from collected scores.</summary>
    public static EvaluationResult FromScores(Scores scores, IReadOnlyList<string> modalityNames, int classes)
    {
        int[] predictions = Metrics.Predictions(scores.Fused);
        int[,] confusion = Metrics.ConfusionMatrix(predictions, scores.Labels, classes);
        return new EvaluationResult
        {
            Samples = scores.Labels.Length,
            Loss = CrossEntropy(scores.Fused, scores.Labels),
            Accuracy = Metrics.Accuracy(predictions, scores.Labels),
            MeanAveragePrecision = Metrics.MeanAveragePrecision(scores.Fused, scores.Labels),
            MacroF1 = Metrics.MacroF1(predictions, scores.Labels, classes),
            MacroAuc = Metrics.MacroRocAuc(scores.Fused, scores.Labels),
            ConfusionMatrix = Enumerable.Range(0, classes).Select(r => Enumerable.Range(0, classes).Select(c => confusion[r, c]).ToArray()).ToArray(),
            ModalityAccuracy = modalityNames.Select((name, m) => (name, Metrics.Accuracy(Metrics.Predictions(scores.PerModality[m]), scores.Labels)))
                .ToDictionary(x => x.name, x => x.Item2),
            AttributionShares = modalityNames.Select((name, m) => (name, scores.MeanAttributionShares[m])).ToDictionary(x => x.name, x => x.Item2),
        };
    }

    /// <summary>
    /// Collects fused and per-modality logits over the whole dataset in eval mode, and each modality's attribution share
    /// of the predicted class (other tasks: <see cref="PredictionTask.PredictedValue"/>; <see cref="ModalityShareMeasure.Reported"/>: the quantity attribution regularization acts
    /// on by default; one extra backward through the fusion head per batch). <paramref name="condition"/>
    /// makes modalities absent for every sample or corrupts their inputs. <paramref name="dataset"/> is bound to the model.
    /// </summary>
    public static Scores Collect(MultimodalClassifier model, IMultimodalDataset dataset, int batchSize, Device device, TestCondition? condition = null)
    {
        condition?.Check(model.ModalityNames);
        int[] missing = condition?.Missing.Select(name => ModalityBinding.IndexOf(model.ModalityNames, name, "The test condition")).ToArray() ?? Array.Empty<int>();
        int n = dataset.Count, k = model.Classes, modalities = model.ModalityNames.Count;
        var fused = new double[n, k];
        var perModality = Enumerable.Range(0, modalities).Select(_ => new double[n, k]).ToArray();
        var labels = new int[n];
        PredictionTask task = PredictionTask.Create(dataset.Task, dataset.ClassNames);
        var labelValues = dataset.Task == TaskKind.Classification ? new double[0, 0] : new double[n, k];
        var shareSums = new double[modalities];
        ModalityShareMeasure shareMeasure = ModalityShareMeasure.Reported(model);
        int offset = 0;
        EvaluationSweep.Run(model, dataset, batchSize, device, batch =>
        {
            Tensor[] inputs = condition is null ? batch.Inputs.ToArray() : Corrupt(batch.Inputs, model.ModalityNames, condition, offset);
            ModelOutput output = missing.Length > 0 ? model.Forward(inputs, Presence(batch.Size, modalities, missing, device)) : model.Forward(inputs);
            Copy(output.Logits, fused, offset);
            for (int m = 0; m < modalities; m++) Copy(output.ModalityLogits[m], perModality[m], offset);
            using (torch.enable_grad())
            {
                double[] batchShares = (task.Kind == TaskKind.Classification
                        ? shareMeasure.Shares(output.Embeddings, AttributionTarget.PredictedClass)
                        : shareMeasure.Shares(output.Embeddings, AttributionTarget.Class(0), ofLogits: z => task.PredictedValue(z).unsqueeze(1)))
                    .sum(dim: 0).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                for (int m = 0; m < modalities; m++) shareSums[m] += batchShares[m];
            }
            if (task.Kind != TaskKind.Classification) Copy(batch.Labels, labelValues, offset);
            else
            {
                long[] batchLabels = batch.Labels.cpu().data<long>().ToArray();
                for (int i = 0; i < batchLabels.Length; i++) labels[offset + i] = (int)batchLabels[i];
            }
            offset += (int)batch.Size;
        });
        return new Scores(fused, perModality, labels, shareSums.Select(sum => n == 0 ? double.NaN : sum / n).ToArray()) { LabelValues = labelValues };
    }

    private static Tensor[] Corrupt(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> modalities, TestCondition condition, int offset) =>
        inputs.Select((x, m) => condition.Corruptions.Where(c => c.Modality == modalities[m])
            .Aggregate(x, (current, corruption) => corruption.Apply(current, SeedStreams.TestCorruption(condition.Seed, offset)))).ToArray();

    private static Tensor Presence(long batch, int modalities, IReadOnlyCollection<int> missing, Device device)
    {
        Tensor presence = ones(batch, modalities, device: device);
        foreach (int m in missing) presence[.., m] = 0;
        return presence;
    }

    private static void Copy(Tensor logits, double[,] target, int offset)
    {
        float[] values = logits.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray();
        int k = target.GetLength(1);
        for (int i = 0; i < values.Length / k; i++)
            for (int c = 0; c < k; c++) target[offset + i, c] = values[i * k + c];
    }

    /// <summary>Mean cross-entropy of <paramref name="logits"/> [samples, classes] against <paramref name="labels"/> (NaN when empty).</summary>
    public static double CrossEntropy(double[,] logits, int[] labels)
    {
        int n = labels.Length, k = logits.GetLength(1);
        if (n == 0) return double.NaN;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++) max = Math.Max(max, logits[i, c]);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.Exp(logits[i, c] - max);
            total += max + Math.Log(sum) - logits[i, labels[i]];
        }
        return total / n;
    }
}
