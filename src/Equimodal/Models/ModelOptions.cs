namespace Equimodal.Models;

/// <summary>Architecture choices, given as constructor arguments of the model factory.</summary>
public sealed record ModelOptions
{
    /// <summary>Encoder family for image-like modalities: "small" (3x3 stem, for CPU) or "resnet18".</summary>
    public string Encoder { get; init; } = "small";

    /// <summary>Channels of the first ResNet stage ("small" only; ResNet-18 uses 64).</summary>
    public int Width { get; init; } = 16;

    /// <summary>Number of ResNet stages ("small" only).</summary>
    public int Depth { get; init; } = 3;

    /// <summary>Basic blocks per stage ("small" only).</summary>
    public int BlocksPerStage { get; init; } = 1;

    /// <summary>Hidden widths of the MLP encoder for vector modalities.</summary>
    public int MlpHidden { get; init; } = 128;

    /// <summary>Fusion head: concat, sum, film, gated, attention, shared (one classifier for all modalities, entropy-weighted) cosine (MMCosine) or mmtm (cross-modal gates, for greedy).</summary>
    public string Fusion { get; init; } = "concat";

    /// <summary>Common width inside the film, gated and attention heads (and the shared head when embedding widths differ).</summary>
    public int FusionHidden { get; init; } = 128;

    /// <summary>
    /// Normalisation of every embedding before fusion: "none", "l2" (unit L2 norm) or "layernorm" (zero mean, unit
    /// variance over the features, no learned affine). The flag --embedding-norm, or attr-reg's option embedding-norm (which
    /// overrides it when not none); part of the saved model.
    /// </summary>
    public string EmbeddingNorm { get; init; } = "none";

    /// <summary>Valid embedding normalisations.</summary>
    public static readonly IReadOnlyList<string> EmbeddingNorms = new[] { "none", "l2", "layernorm" };

    /// <summary>Valid encoder families.</summary>
    public static readonly IReadOnlyList<string> Encoders = new[] { "small", "resnet18" };

    /// <summary>Throws with the name and valid range of the first bad option.</summary>
    public void Validate()
    {
        if (!Encoders.Contains(Encoder)) throw new ArgumentException($"Unknown encoder '{Encoder}'. Valid encoders: {string.Join(", ", Encoders)}.");
        if (!FusionFactory.Names.Contains(Fusion)) throw new ArgumentException($"Unknown fusion '{Fusion}'. Valid fusions: {string.Join(", ", FusionFactory.Names)}.");
        if (!EmbeddingNorms.Contains(EmbeddingNorm)) throw new ArgumentException($"Unknown embedding normalisation '{EmbeddingNorm}'. Valid normalisations: {string.Join(", ", EmbeddingNorms)}.");
        if (Width is < 1 or > 1024) throw new ArgumentException($"Encoder width must be in 1..1024, got {Width}.");
        if (Depth < 1 || Depth > 6) throw new ArgumentException($"Encoder depth must be in 1..6, got {Depth}.");
        if (BlocksPerStage < 1) throw new ArgumentException($"Blocks per stage must be at least 1, got {BlocksPerStage}.");
        if (MlpHidden < 1 || FusionHidden < 1) throw new ArgumentException("Hidden widths must be at least 1.");
    }
}
