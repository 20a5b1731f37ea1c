using Equimodal.Data.Datasets;

namespace Equimodal.Selection;

/// <summary>What selection.json holds: the schedule, every row's validation curve, each rung's decision, the winner, compute and test metrics.</summary>
public sealed record SelectionReport
{
    /// <summary>"complete", or what remains (e.g. "rung 2 of 4: 3 run(s) to train").</summary>
    public string Status { get; init; } = "";

    /// <summary>Epochs of one full run.</summary>
    public int FullEpochs { get; init; }

    /// <summary>Reduction factor between rungs (the number of candidates when one rung continues only its best).</summary>
    public int Eta { get; init; }

    /// <summary>Epochs the first rung was to cover before any cut, budget allowing.</summary>
    public int GraceEpochs { get; init; }

    /// <summary>The budget the schedule was fitted to, in full runs.</summary>
    public double BudgetRuns { get; init; }

    /// <summary>Largest validation failure gap (fraction) for a candidate to be ranked by accuracy ahead of the others.</summary>
    public double MaxFailureGap { get; init; }

    /// <summary>The task's main metric that ranks the candidates, when it is not accuracy ("mAP", "CCC"); null for classification.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? MainMetric { get; init; }

    /// <summary>How the candidates were chosen when that is not plain from the list (default methods left out for the task); null: nothing to say.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CandidateNote { get; init; }

    /// <summary>The criterion in plain words.</summary>
    public string Criterion { get; init; } = "";

    /// <summary>Every candidate, in the order given.</summary>
    public IReadOnlyList<CandidateRecord> Candidates { get; init; } = Array.Empty<CandidateRecord>();

    /// <summary>The unimodal reference rows.</summary>
    public IReadOnlyList<RowRecord> References { get; init; } = Array.Empty<RowRecord>();

    /// <summary>The rungs decided so far.</summary>
    public IReadOnlyList<RungRecord> Rungs { get; init; } = Array.Empty<RungRecord>();

    /// <summary>The selected candidate, once the last rung is decided.</summary>
    public string? Winner { get; init; }

    /// <summary>Why it was selected, in plain words.</summary>
    public string? Reason { get; init; }

    /// <summary>Training spent so far.</summary>
    public ComputeRecord Compute { get; init; } = new();

    /// <summary>The winner's full run, evaluated once on test; null until it finished.</summary>
    public FinalRecord? Final { get; init; }

    /// <summary>Samples the data loader left out and notices.</summary>
    public LoadReport DataReport { get; init; } = LoadReport.Empty;
}
