using Equimodal.Evaluation.TaskMetrics;
using Equimodal.Tasks;

namespace Equimodal.Evaluation;

/// <summary>
/// The metrics of a multi-label or regression task from collected scores (classification has its own in
/// <see cref="Evaluator.FromScores"/>): the fused outputs' metrics, the main one as <see cref="EvaluationResult.Accuracy"/>,
/// and each modality's own head's.
/// </summary>
public static class TaskEvaluation
{
    /// <summary>Metric names of a multi-label task, in the order tables show them.</summary>
    public static readonly IReadOnlyList<string> MultiLabelNames = new[] { "mAP", "mAP-micro", "F1-macro", "F1-micro", "subset-accuracy", "hamming-loss" };

    /// <summary>Metric names of a regression task (each the mean over targets), in the order tables show them; a score range adds acc-2, acc-2-nonzero and acc-K after them (<see cref="ScoreRange"/>).</summary>
    public static readonly IReadOnlyList<string> RegressionNames = new[] { "CCC", "MAE", "RMSE", "Pearson", "R2" };

    /// <summary>The metrics where a smaller value is better (errors and losses); larger is better for every other.</summary>
    public static readonly IReadOnlySet<string> LowerIsBetter = new HashSet<string>(StringComparer.Ordinal) { "MAE", "RMSE", "hamming-loss" };

    /// <summary>
    /// The result of <paramref name="task"/> on <paramref name="scores"/>. Multi-label: label probabilities are the
    /// sigmoids of the logits and F1 counts a label at or above <paramref name="labelThreshold"/> (null: the threshold
    /// that maximises micro F1 on these scores, which is how validation chooses it). Regression: every metric is
    /// computed per target and averaged over targets, the score accuracies too when the task has a <see cref="RegressionTask.ScoreRange"/>.
    /// </summary>
    public static EvaluationResult FromScores(Evaluator.Scores scores, IReadOnlyList<string> modalityNames, PredictionTask task, double? labelThreshold = null)
    {
        if (task.Kind == TaskKind.Classification) throw new ArgumentException("Classification metrics come from Evaluator.FromScores.");
        double[,] labels = scores.LabelValues;
        int n = labels.GetLength(0);
        bool multiLabel = task.Kind == TaskKind.MultiLabel;
        double threshold = double.NaN;
        if (multiLabel) threshold = labelThreshold ?? (n == 0 ? 0.5 : MultiLabelMetrics.BestThreshold(Sigmoid(scores.Fused), Positive(labels)));
        IReadOnlyDictionary<string, double> Metrics(double[,] outputs) => multiLabel ? MultiLabel(outputs, labels, threshold) : Regression(outputs, labels, (task as RegressionTask)?.ScoreRange);
        IReadOnlyDictionary<string, double> fused = Metrics(scores.Fused);
        var perModality = modalityNames.Select((name, m) => (name, metrics: Metrics(scores.PerModality[m]))).ToDictionary(x => x.name, x => x.metrics);
        string main = task.MainMetric.Name;
        return new EvaluationResult
        {
            Samples = n,
            Loss = multiLabel ? BinaryCrossEntropy(scores.Fused, labels) : MeanSquaredError(scores.Fused, labels),
            Accuracy = fused[main],
            Task = new TaskScores { MainMetric = main, Metrics = fused, ModalityMetrics = perModality, LabelThreshold = threshold },
            MeanAveragePrecision = multiLabel ? fused["mAP"] : double.NaN,
            MacroF1 = multiLabel ? fused["F1-macro"] : double.NaN,
            MacroAuc = double.NaN,
            ModalityAccuracy = perModality.ToDictionary(p => p.Key, p => p.Value[main]),
            AttributionShares = modalityNames.Select((name, m) => (name, scores.MeanAttributionShares[m])).ToDictionary(x => x.name, x => x.Item2),
        };
    }

    /// <summary>The main metric of <paramref name="task"/> (mAP, or CCC averaged over targets) of <paramref name="outputs"/> against <paramref name="labels"/>.</summary>
    public static double MainScore(PredictionTask task, double[,] outputs, double[,] labels) =>
        (task.Kind == TaskKind.MultiLabel ? MultiLabel(outputs, labels, 0.5) : Regression(outputs, labels, null))[task.MainMetric.Name];

    private static Dictionary<string, double> MultiLabel(double[,] logits, double[,] labels, double threshold)
    {
        MultiLabelScores s = MultiLabelMetrics.Compute(Sigmoid(logits), Positive(labels), threshold);
        return new Dictionary<string, double>
        {
            ["mAP"] = s.MapMacro, ["mAP-micro"] = s.MapMicro, ["F1-macro"] = s.F1Macro, ["F1-micro"] = s.F1Micro,
            ["subset-accuracy"] = s.SubsetAccuracy, ["hamming-loss"] = s.HammingLoss,
        };
    }

    private static Dictionary<string, double> Regression(double[,] predictions, double[,] targets, ScoreRange? range)
    {
        int targetCount = targets.GetLength(1);
        RegressionScores[] perTarget = Enumerable.Range(0, targetCount)
            .Select(t => RegressionMetrics.Compute(Column(predictions, t), Column(targets, t))).ToArray();
        var metrics = new Dictionary<string, double>
        {
            ["CCC"] = perTarget.Average(s => s.Ccc), ["MAE"] = perTarget.Average(s => s.Mae), ["RMSE"] = perTarget.Average(s => s.Rmse),
            ["Pearson"] = perTarget.Average(s => s.Pearson), ["R2"] = perTarget.Average(s => s.RSquared),
        };
        if (range is null) return metrics;
        SentimentAccuracies[] accuracies = Enumerable.Range(0, targetCount)
            .Select(t => RegressionMetrics.ScoreAccuracies(Column(predictions, t), Column(targets, t), range.Low, range.High)).ToArray();
        metrics[ScoreRange.BinaryName] = accuracies.Average(a => a.Binary);
        metrics[ScoreRange.NonZeroBinaryName] = accuracies.Average(a => a.NonZeroBinary);
        metrics[range.ClassAccuracyName] = accuracies.Average(a => a.Classes);
        return metrics;
    }

    /// <summary>Mean binary cross-entropy with logits over samples and labels, computed stably: max(z, 0) - z y + log(1 + e^-|z|).</summary>
    public static double BinaryCrossEntropy(double[,] logits, double[,] labels)
    {
        int n = labels.GetLength(0), k = labels.GetLength(1);
        if (n == 0) return double.NaN;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                double z = logits[i, j];
                total += Math.Max(z, 0) - z * labels[i, j] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            }
        return total / ((double)n * k);
    }

    /// <summary>Mean squared error over samples and targets.</summary>
    public static double MeanSquaredError(double[,] predictions, double[,] targets)
    {
        int n = targets.GetLength(0), k = targets.GetLength(1);
        if (n == 0) return double.NaN;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) total += (predictions[i, j] - targets[i, j]) * (predictions[i, j] - targets[i, j]);
        return total / ((double)n * k);
    }

    private static double[,] Sigmoid(double[,] logits)
    {
        var probabilities = new double[logits.GetLength(0), logits.GetLength(1)];
        for (int i = 0; i < logits.GetLength(0); i++)
            for (int j = 0; j < logits.GetLength(1); j++) probabilities[i, j] = 1 / (1 + Math.Exp(-logits[i, j]));
        return probabilities;
    }

    private static bool[,] Positive(double[,] labels)
    {
        var positive = new bool[labels.GetLength(0), labels.GetLength(1)];
        for (int i = 0; i < labels.GetLength(0); i++)
            for (int j = 0; j < labels.GetLength(1); j++) positive[i, j] = labels[i, j] > 0.5;
        return positive;
    }

    private static double[] Column(double[,] values, int column) => Enumerable.Range(0, values.GetLength(0)).Select(i => values[i, column]).ToArray();
}
