using Equimodal.Evaluation;

namespace Equimodal.Training;

/// <summary>One line of metrics.jsonl: what happened in one epoch.</summary>
public sealed record EpochRecord
{
    /// <summary>One-based epoch number.</summary>
    public int Epoch { get; init; }

    /// <summary>Mean training loss.</summary>
    public double TrainLoss { get; init; }

    /// <summary>Training accuracy of the fused logits, measured during the epoch.</summary>
    public double TrainAccuracy { get; init; }

    /// <summary>Learning rate used in the epoch.</summary>
    public double LearningRate { get; init; }

    /// <summary>Validation metrics at the end of the epoch.</summary>
    public EvaluationResult Validation { get; init; } = new();

    /// <summary>Seconds spent in training steps (without validation).</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Method-specific scalars (e.g. attribution shares, modulation coefficients).</summary>
    public IReadOnlyDictionary<string, double> MethodMetrics { get; init; } = new Dictionary<string, double>();
}
