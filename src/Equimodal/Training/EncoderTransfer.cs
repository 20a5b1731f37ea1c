namespace Equimodal.Training;

/// <summary>
/// Pretrained weights for one modality's encoder (transfer learning), and how to train that encoder afterwards.
/// </summary>
public sealed record EncoderTransfer
{
    /// <summary>Modality whose encoder receives the weights, e.g. "visual".</summary>
    public string Modality { get; init; } = "";

    /// <summary>A .safetensors or PyTorch .pt/.pth state dict; null keeps the random initialisation (freeze or rate only).</summary>
    public string? Weights { get; init; }

    /// <summary>Prefix to strip from the file's keys (e.g. "module." or "backbone."); empty for none.</summary>
    public string SourcePrefix { get; init; } = "";

    /// <summary>Keep the encoder's weights fixed (excluded from the optimizer).</summary>
    public bool Freeze { get; init; }

    /// <summary>Learning rate of this encoder's parameter group; null uses the run's rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Throws with the option name and valid range when a value is invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Modality)) throw new ArgumentException("An encoder transfer needs a modality name.");
        if (LearningRate is { } rate && (!(rate > 0) || double.IsInfinity(rate)))
            throw new ArgumentException($"The learning rate of encoder '{Modality}' must be a positive number, got {rate}.");
        if (Freeze && LearningRate is not null) throw new ArgumentException($"Encoder '{Modality}' is frozen, so it cannot have its own learning rate.");
    }
}
