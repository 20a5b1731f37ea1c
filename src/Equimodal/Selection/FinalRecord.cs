using Equimodal.Evaluation;

namespace Equimodal.Selection;

/// <summary>The winner trained to the full schedule.</summary>
public sealed record FinalRecord
{
    /// <summary>Epoch whose weights were kept (best validation accuracy).</summary>
    public int BestEpoch { get; init; }

    /// <summary>Validation accuracy of the kept weights.</summary>
    public double ValidationAccuracy { get; init; }

    /// <summary>Test metrics of the kept weights, evaluated once.</summary>
    public EvaluationResult Test { get; init; } = new();

    /// <summary>Test failure gap against the references (only when they trained the full schedule), else null.</summary>
    public double? TestFailureGap { get; init; }
}
