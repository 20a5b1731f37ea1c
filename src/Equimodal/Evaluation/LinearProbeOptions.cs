namespace Equimodal.Evaluation;

/// <summary>Settings of a linear probe.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>Passes over the training features.</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the probe's initial weights and batch order.</summary>
    public int Seed { get; init; }
}
