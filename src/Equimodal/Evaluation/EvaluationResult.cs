namespace Equimodal.Evaluation;

/// <summary>Metrics of a model on one split.</summary>
public sealed record EvaluationResult
{
    /// <summary>Number of samples evaluated.</summary>
    public int Samples { get; init; }

    /// <summary>Mean cross-entropy of the fused logits.</summary>
    public double Loss { get; init; }

    /// <summary>Top-1 accuracy of the fused logits.</summary>
    public double Accuracy { get; init; }

    /// <summary>Mean one-vs-rest average precision.</summary>
    public double MeanAveragePrecision { get; init; }

    /// <summary>Macro-averaged F1.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Macro one-vs-rest ROC-AUC.</summary>
    public double MacroAuc { get; init; }

    /// <summary>Confusion matrix, rows true class, columns predicted class.</summary>
    public int[][] ConfusionMatrix { get; init; } = Array.Empty<int[]>();

    /// <summary>Accuracy of each modality's own logits (modality failure shows as a low value).</summary>
    public IReadOnlyDictionary<string, double> ModalityAccuracy { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Mean attribution share of each modality (Gradient x Input of the predicted class at the fusion input, L2-pooled,
    /// normalised per sample; shares sum to 1): how much each modality drives the decisions.
    /// </summary>
    public IReadOnlyDictionary<string, double> AttributionShares { get; init; } = new Dictionary<string, double>();
}
