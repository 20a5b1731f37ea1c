namespace Equimodal.Training;

/// <summary>Optimisation settings shared by every method.</summary>
public sealed record TrainingOptions
{
    /// <summary>Number of passes over the training split.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decoupled weight decay (AdamW) or L2 penalty (SGD).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Optimizer: adamw or sgd.</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Learning-rate schedule: none, step or cosine.</summary>
    public string Schedule { get; init; } = "none";

    /// <summary>Epochs between decays of the step schedule.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>Decay factor of the step schedule.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Maximum global gradient norm; 0 disables clipping.</summary>
    public double GradientClip { get; init; }

    /// <summary>Seed of weights, shuffling and every random choice of the method.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Device: auto, cpu or cuda.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Intra-op threads; 0 takes the machine's core count.</summary>
    public int Threads { get; init; }

    /// <summary>Also checkpoint every this many optimisation steps (0: only at the end of every epoch).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Number of newest checkpoints kept (the best one is kept as well).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Weights (.safetensors or .pt) loaded into the whole model before training; null starts from random weights.</summary>
    public string? InitWeights { get; init; }

    /// <summary>Per-encoder pretrained weights, freezing and learning rates (transfer learning).</summary>
    public IReadOnlyList<EncoderTransfer> Encoders { get; init; } = Array.Empty<EncoderTransfer>();

    /// <summary>
    /// Measure how the model uses each modality on the validation split at every epoch end (<see cref="Evaluation.ModalityUse"/>:
    /// embedding and fusion-weight norms, attribution shares, ablation drops, own accuracy), logged as
    /// "modality-use.QUANTITY.MODALITY" metrics; evaluation only, training is unchanged.
    /// </summary>
    public bool ModalityUse { get; init; }

    /// <summary>
    /// Which epoch's weights the run keeps (<see cref="KeptEpoch"/>): "accuracy", the best validation value of the task's
    /// main metric; or "modalities", the best mean of that value and the mean of each modality's own value (its own
    /// logits inside the model), which passes over epochs where an encoder has fallen behind.
    /// </summary>
    public string KeepEpoch { get; init; } = "accuracy";

    /// <summary>
    /// Decay of an exponential moving average of the weights (<see cref="WeightAverage"/>), updated after every step; the
    /// run validates, keeps and tests the average instead of the weights themselves. 0 (the default) turns it off; 0.99
    /// averages over roughly the last hundred steps and suits runs of a few hundred steps or more: over the first tens of
    /// steps the average lags behind the weights (docs/training.md).
    /// </summary>
    public double EmaDecay { get; init; }

    /// <summary>Largest <see cref="Threads"/> accepted: beyond it thread creation alone can stall the machine for minutes.</summary>
    public const int MaxThreads = 256;

    /// <summary>Valid optimizer names.</summary>
    public static readonly IReadOnlyList<string> Optimizers = new[] { "adamw", "sgd" };

    /// <summary>Valid schedule names.</summary>
    public static readonly IReadOnlyList<string> Schedules = new[] { "none", "step", "cosine" };

    /// <summary>
    /// Throws with the property's name (e.g. "TrainingOptions.LearningRate") and valid range when a value is out of range;
    /// a front end that sets the property under another name replaces it in the message.
    /// </summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"{Name(nameof(Epochs))} must be a positive integer, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"{Name(nameof(BatchSize))} must be a positive integer, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"{Name(nameof(LearningRate))} must be a positive number, got {LearningRate}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentException($"{Name(nameof(WeightDecay))} must be non-negative, got {WeightDecay}.");
        if (!Optimizers.Contains(Optimizer)) throw new ArgumentException($"Unknown optimizer '{Optimizer}'. Valid optimizers: {string.Join(", ", Optimizers)}.");
        if (!Schedules.Contains(Schedule)) throw new ArgumentException($"Unknown schedule '{Schedule}'. Valid schedules: {string.Join(", ", Schedules)}.");
        if (!KeptEpoch.Rules.Contains(KeepEpoch)) throw new ArgumentException($"Unknown kept-epoch rule '{KeepEpoch}'. Valid rules: {string.Join(", ", KeptEpoch.Rules)}.");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentException($"{Name(nameof(EmaDecay))} must be in [0, 1) (0 = no averaging), got {EmaDecay}.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"{Name(nameof(Momentum))} must be in [0, 1), got {Momentum}.");
        if (StepSize <= 0) throw new ArgumentException($"{Name(nameof(StepSize))} must be positive, got {StepSize}.");
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentException($"{Name(nameof(Gamma))} must be in (0, 1], got {Gamma}.");
        if (!(GradientClip >= 0) || double.IsInfinity(GradientClip)) throw new ArgumentException($"{Name(nameof(GradientClip))} must be non-negative, got {GradientClip}.");
        if (Threads < 0 || Threads > MaxThreads) throw new ArgumentException($"{Name(nameof(Threads))} must be in 0..{MaxThreads} (0 = all cores), got {Threads}.");
        if (CheckpointEverySteps < 0) throw new ArgumentException($"{Name(nameof(CheckpointEverySteps))} must be non-negative (0 = epoch ends only), got {CheckpointEverySteps}.");
        if (KeepCheckpoints < 1) throw new ArgumentException($"{Name(nameof(KeepCheckpoints))} must be at least 1, got {KeepCheckpoints}.");
        foreach (EncoderTransfer transfer in Encoders) transfer.Validate();
        DeviceSelector.Validate(Device);
    }

    private static string Name(string property) => $"{nameof(TrainingOptions)}.{property}";
}
