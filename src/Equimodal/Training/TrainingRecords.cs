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

/// <summary>Receives progress while a model trains (a console display, a log, a test).</summary>
public interface ITrainingObserver
{
    /// <summary>Called after every optimisation step.</summary>
    void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss);

    /// <summary>Called after validation at the end of every epoch.</summary>
    void OnEpochEnd(EpochRecord record, int epochs);

    /// <summary>Called for problems that do not stop the run (e.g. a corrupt checkpoint skipped on resume). Default: ignored.</summary>
    void OnWarning(string message)
    {
    }

    /// <summary>Called for progress of a long phase that is not an epoch of the run (a method training its teachers). Default: ignored.</summary>
    void OnProgress(string message)
    {
    }
}
