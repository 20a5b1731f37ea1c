
namespace Equimodal.Selection;

/// <summary>Settings of a selection beyond the candidates and the training flags.</summary>
public sealed record SelectionSettings
{
    /// <summary>Training budget in full runs (one full run: --epochs epochs of one row); <see cref="HalvingSchedule.WithinBudget"/> fits the rungs to it.</summary>
    public double BudgetRuns { get; init; } = 3;

    /// <summary>Smallest reduction factor: each rung keeps at most the best 1/eta of the previous one (a larger one when the budget needs it).</summary>
    public int Eta { get; init; } = 2;

    /// <summary>Epochs the first rung covers before any candidate is cut, when the budget allows (it comes before the number of rungs).</summary>
    public int GraceEpochs { get; init; } = 2;

    /// <summary>Largest validation failure gap (fraction) of a candidate ranked by accuracy ahead of the others.</summary>
    public double MaxFailureGap { get; init; } = SelectionRule.DefaultMaxFailureGap;

    /// <summary>The task's main metric, which validation ranks by and the failure gap is measured in: "accuracy", "mAP" or "CCC".</summary>
    public string MainMetric { get; init; } = "accuracy";

    /// <summary>How the candidates were chosen when that is not plain from the list, e.g. the default methods left out for the task; null: nothing to say.</summary>
    public string? CandidateNote { get; init; }
}
