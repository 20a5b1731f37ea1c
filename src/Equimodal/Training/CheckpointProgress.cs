using System.Text.Json.Serialization;

namespace Equimodal.Training;

/// <summary>
/// Where a run stands, as plain numbers: everything a checkpoint needs besides tensors to continue the loop exactly
/// where it stopped (including the running sums of a half-finished epoch, so its metrics come out identical).
/// </summary>
public sealed record CheckpointProgress
{
    /// <summary>Method that wrote the checkpoint (a resume with another method is refused).</summary>
    public string Method { get; init; } = "";

    /// <summary>Number of ranks (processes) that trained up to this checkpoint; 1 without MPI.</summary>
    public int World { get; init; } = 1;

    /// <summary>Batch size of each rank up to this checkpoint (0 in checkpoints that predate the field: the configured batch size).</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Decay of the moving average of the weights up to this checkpoint (<see cref="TrainingOptions.EmaDecay"/>); 0
    /// without averaging, and in checkpoints that predate the field (their decay is unknown and not checked).
    /// </summary>
    public double EmaDecay { get; init; }

    /// <summary>Zero-based epoch to continue in (equals the number of finished epochs when <see cref="StepInEpoch"/> is 0).</summary>
    public int Epoch { get; init; }

    /// <summary>Steps of <see cref="Epoch"/> already done; 0 at an epoch boundary.</summary>
    public int StepInEpoch { get; init; }

    /// <summary>Optimisation steps done since the start.</summary>
    public long GlobalStep { get; init; }

    /// <summary>
    /// Best validation score so far under <see cref="TrainingOptions.KeepEpoch"/> (negative infinity before the first
    /// epoch ends). Stored under its first name, which the default rule's score (the accuracy) had, so that existing
    /// checkpoints resume.
    /// </summary>
    [JsonPropertyName("bestAccuracy")]
    public double BestScore { get; init; } = double.NegativeInfinity;

    /// <summary>One-based epoch of the best validation score (0 before the first epoch ends).</summary>
    public int BestEpoch { get; init; }

    /// <summary>Learning rate of the epoch in progress.</summary>
    public double EpochLearningRate { get; init; }

    /// <summary>Sum of batch loss times batch size in the epoch in progress.</summary>
    public double EpochLossSum { get; init; }

    /// <summary>Correct training predictions in the epoch in progress.</summary>
    public long EpochCorrect { get; init; }

    /// <summary>Training samples seen in the epoch in progress.</summary>
    public long EpochSeen { get; init; }

    /// <summary>Seconds of training steps in the epoch in progress.</summary>
    public double EpochSeconds { get; init; }

    /// <summary>Seconds of training steps over all finished epochs.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Records of the finished epochs (metrics.jsonl is rewritten from these on resume, so no line repeats).</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = Array.Empty<EpochRecord>();
}
