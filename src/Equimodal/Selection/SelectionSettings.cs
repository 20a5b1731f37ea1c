
namespace Equimodal.Selection;

/// <summary>Settings of a selection beyond the candidates and the training flags.</summary>
public sealed record SelectionSettings
{
    /// <summary>Training budget in full runs (one full run: --epochs epochs of one row); the schedule's first rung is as long as it allows.</summary>
    public double BudgetRuns { get; init; } = 6;

    /// <summary>Reduction factor: each rung keeps the best 1/eta of the previous one.</summary>
    public int Eta { get; init; } = 2;

    /// <summary>Largest validation failure gap (fraction) of a candidate ranked by accuracy ahead of the others.</summary>
    public double MaxFailureGap { get; init; } = SelectionRule.DefaultMaxFailureGap;
}
