using Equimodal.Evaluation;

namespace Equimodal.Training;

/// <summary>Outcome of a training run.</summary>
public sealed record TrainingResult
{
    /// <summary>Method name.</summary>
    public string Method { get; init; } = "";

    /// <summary>Modalities the model reads.</summary>
    public IReadOnlyList<string> Modalities { get; init; } = Array.Empty<string>();

    /// <summary>Epoch (one-based) whose weights were kept: the best validation accuracy.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Validation metrics of the kept weights.</summary>
    public EvaluationResult Validation { get; init; } = new();

    /// <summary>Test metrics of the kept weights (computed once, after training).</summary>
    public EvaluationResult Test { get; init; } = new();

    /// <summary>Per-epoch history.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = Array.Empty<EpochRecord>();

    /// <summary>Seconds spent in training steps over all epochs.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Mean seconds per optimisation step.</summary>
    public double SecondsPerStep { get; init; }

    /// <summary>Mean training seconds per epoch.</summary>
    public double SecondsPerEpoch { get; init; }

    /// <summary>Samples the data loader left out (with --on-bad-sample skip) and notices such as missing clips.</summary>
    public Data.Datasets.LoadReport DataReport { get; init; } = Data.Datasets.LoadReport.Empty;
}
