using Equimodal.Evaluation;

namespace Equimodal.Reporting;

/// <summary>One trained run of a comparison: a method with a seed, its test metrics and its diagnostics.</summary>
public sealed record ComparisonRecord
{
    /// <summary>Method name.</summary>
    public string Method { get; init; } = "";

    /// <summary>Training seed.</summary>
    public int Seed { get; init; }

    /// <summary>Run folder, relative to the comparison folder.</summary>
    public string RunFolder { get; init; } = "";

    /// <summary>The processor and kernel choice the run trained with (<see cref="ReproducibilityInfo.Machine"/>).</summary>
    public string Machine { get; init; } = "";

    /// <summary>Epoch (one-based) whose weights were kept.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Test accuracy of the fused logits.</summary>
    public double Accuracy { get; init; }

    /// <summary>The name of <see cref="Accuracy"/>'s metric when it is not accuracy: the task's main metric ("mAP" or "CCC"); null for classification.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? MainMetric { get; init; }

    /// <summary>Every test metric of a multi-label or regression task by name (docs/tasks.md); null for classification.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? TaskMetrics { get; init; }

    /// <summary>Test mean average precision.</summary>
    public double MeanAveragePrecision { get; init; }

    /// <summary>Test macro-F1.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Test macro ROC-AUC.</summary>
    public double MacroAuc { get; init; }

    /// <summary>Per-modality accuracy, Shapley values, attribution shares and timings.</summary>
    public ModelDiagnostics Diagnostics { get; init; } = new();

    /// <summary>
    /// Per modality, the test accuracy of the comparison's `m-only` row with the same seed minus this run's acc(m), in
    /// accuracy units (<see cref="FailureGap"/>); null for unimodal runs and when the comparison has no such row.
    /// </summary>
    public IReadOnlyDictionary<string, double>? FailureGaps { get; init; }

    /// <summary>The run's failure gap: the largest of <see cref="FailureGaps"/>, or null without any.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? FailureGap => FailureGaps is null ? null : Evaluation.FailureGap.Of(FailureGaps);
}
