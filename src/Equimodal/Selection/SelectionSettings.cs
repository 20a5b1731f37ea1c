
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

    /// <summary>The task's main metric, which validation ranks by and the failure gap is measured in: "accuracy", "mAP" or "CCC".</summary>
    public string MainMetric { get; init; } = "accuracy";

    /// <summary>How the candidates were chosen when that is not plain from the list, e.g. the default methods left out for the task; null: nothing to say.</summary>
    public string? CandidateNote { get; init; }
}
