using System.Text.Json.Serialization;

namespace Equimodal.Evaluation;

/// <summary>Metrics of a model on one split.</summary>
public sealed record EvaluationResult
{
    /// <summary>Number of samples evaluated.</summary>
    public int Samples { get; init; }

    /// <summary>Mean loss of the fused outputs: cross-entropy, binary cross-entropy per label (multi-label) or MSE (regression).</summary>
    public double Loss { get; init; }

    /// <summary>
    /// The task's main metric, named by <see cref="MainMetric"/>: top-1 accuracy of the fused logits (classification),
    /// mAP over labels (multi-label) or CCC averaged over targets (regression). Model selection, Shapley values and
    /// failure gaps use it.
    /// </summary>
    public double Accuracy { get; init; }

    /// <summary>The metrics of a multi-label or regression task; null for classification (whose files stay as they were).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TaskScores? Task { get; init; }

    /// <summary>The name of <see cref="Accuracy"/>'s metric: "accuracy", "mAP" or "CCC".</summary>
    [JsonIgnore]
    public string MainMetric => Task?.MainMetric ?? "accuracy";

    /// <summary>Every metric of a multi-label or regression task by name (docs/tasks.md); empty for classification, whose metrics have their own properties.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, double> TaskMetrics => Task?.Metrics ?? new Dictionary<string, double>();

    /// <summary>Each modality's own-head <see cref="TaskMetrics"/> (multi-label and regression).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ModalityTaskMetrics => Task?.ModalityMetrics ?? new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>The probability at or above which a label counts as predicted (multi-label: chosen on validation for micro F1); NaN for other tasks.</summary>
    [JsonIgnore]
    public double LabelThreshold => Task?.LabelThreshold ?? double.NaN;

    /// <summary>Mean one-vs-rest average precision (multi-label: mAP over labels; NaN for regression).</summary>
    public double MeanAveragePrecision { get; init; }

    /// <summary>Macro-averaged F1 (multi-label: at <see cref="LabelThreshold"/>; NaN for regression).</summary>
    public double MacroF1 { get; init; }

    /// <summary>Macro one-vs-rest ROC-AUC (classification; NaN for the other tasks).</summary>
    public double MacroAuc { get; init; }

    /// <summary>Confusion matrix, rows true class, columns predicted class.</summary>
    public int[][] ConfusionMatrix { get; init; } = Array.Empty<int[]>();

    /// <summary>The main metric (<see cref="MainMetric"/>) of each modality's own logits (modality failure shows as a low value).</summary>
    public IReadOnlyDictionary<string, double> ModalityAccuracy { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Mean attribution share of each modality (Gradient x Input of the predicted class at the fusion input, L2-pooled,
    /// normalised per sample; shares sum to 1): how much each modality drives the decisions.
    /// </summary>
    public IReadOnlyDictionary<string, double> AttributionShares { get; init; } = new Dictionary<string, double>();
}
