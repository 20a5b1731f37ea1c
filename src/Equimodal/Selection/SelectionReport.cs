using Equimodal.Data.Datasets;
using Equimodal.Evaluation;

namespace Equimodal.Selection;

/// <summary>What selection.json holds: the schedule, every row's validation curve, each rung's decision, the winner, compute and test metrics.</summary>
public sealed record SelectionReport
{
    /// <summary>"complete", or what remains (e.g. "rung 2 of 4: 3 run(s) to train").</summary>
    public string Status { get; init; } = "";

    /// <summary>Epochs of one full run.</summary>
    public int FullEpochs { get; init; }

    /// <summary>Reduction factor between rungs.</summary>
    public int Eta { get; init; }

    /// <summary>The budget the schedule was fitted to, in full runs.</summary>
    public double BudgetRuns { get; init; }

    /// <summary>Largest validation failure gap (fraction) for a candidate to be ranked by accuracy ahead of the others.</summary>
    public double MaxFailureGap { get; init; }

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

/// <summary>A trained row: its name, what it trains, its folder and its validation accuracy after every epoch trained.</summary>
public record RowRecord
{
    /// <summary>Row name.</summary>
    public string Name { get; init; } = "";

    /// <summary>"method key=value ...": what the row trains.</summary>
    public string Trains { get; init; } = "";

    /// <summary>Run folder, relative to the selection folder.</summary>
    public string RunFolder { get; init; } = "";

    /// <summary>Epochs trained so far.</summary>
    public int Epochs { get; init; }

    /// <summary>Validation accuracy after each epoch trained.</summary>
    public IReadOnlyList<double> ValidationCurve { get; init; } = Array.Empty<double>();
}

/// <summary>A candidate row and where it stopped.</summary>
public sealed record CandidateRecord : RowRecord
{
    /// <summary>The last rung (0-based) it was compared in; it was cut there unless it won.</summary>
    public int LastRung { get; init; }
}

/// <summary>One decided rung.</summary>
/// <param name="Rung">0-based rung.</param>
/// <param name="Epochs">Epochs its candidates had trained when compared.</param>
/// <param name="Ranking">Its candidates best first, with their validation accuracy and failure gap.</param>
/// <param name="Kept">Candidates continuing to the next rung (the winner after the last rung).</param>
public sealed record RungRecord(int Rung, int Epochs, IReadOnlyList<CandidateScore> Ranking, IReadOnlyList<string> Kept);

/// <summary>Training epochs spent, and their measured seconds (training steps only; UMT's teacher training is outside both).</summary>
public sealed record ComputeRecord
{
    /// <summary>Epochs trained by every row so far.</summary>
    public int Epochs { get; init; }

    /// <summary>Epochs of the whole selection as planned.</summary>
    public int PlannedEpochs { get; init; }

    /// <summary><see cref="Epochs"/> divided by one full run's epochs.</summary>
    public double FullRuns { get; init; }

    /// <summary>Seconds of training steps of every row so far, as recorded in their metrics (machine and load dependent).</summary>
    public double TrainSeconds { get; init; }
}

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
