namespace Equimodal.Selection;

/// <summary>Training epochs spent, and their measured seconds (training steps only; UMT's teacher training is outside both).</summary>
public sealed record ComputeRecord
{
    /// <summary>Epochs trained by every row so far.</summary>
    public int Epochs { get; init; }

    /// <summary>Epochs of the whole selection as planned.</summary>
    public long PlannedEpochs { get; init; }

    /// <summary><see cref="Epochs"/> divided by one full run's epochs.</summary>
    public double FullRuns { get; init; }

    /// <summary>Seconds of training steps of every row so far, as recorded in their metrics (machine and load dependent).</summary>
    public double TrainSeconds { get; init; }
}
