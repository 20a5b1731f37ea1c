namespace Equimodal.Evaluation;

/// <summary>The metrics of a multi-label or regression task on one split (results.json's <c>task</c> object).</summary>
public sealed record TaskScores
{
    /// <summary>The task's main metric: "mAP" (multi-label) or "CCC" (regression).</summary>
    public string MainMetric { get; init; } = "";

    /// <summary>Every metric of the fused outputs by name (docs/tasks.md).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The same metrics of each modality's own head.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ModalityMetrics { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>Multi-label: the probability at or above which a label counts as predicted, chosen on validation for micro F1; NaN for regression.</summary>
    public double LabelThreshold { get; init; } = double.NaN;
}
