using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>The result of a forward pass: fused logits, each modality's embedding, and each modality's own logits on demand.</summary>
public sealed class ModelOutput
{
    private readonly Func<Tensor[]> _modalityLogits;
    private Tensor[]? _cached;

    /// <summary>Creates the output.</summary>
    public ModelOutput(Tensor logits, IReadOnlyList<Tensor> embeddings, Func<Tensor[]> modalityLogits)
    {
        Logits = logits;
        Embeddings = embeddings;
        _modalityLogits = modalityLogits;
    }

    /// <summary>Fused logits [batch, classes].</summary>
    public Tensor Logits { get; }

    /// <summary>Each modality's encoder output (the fusion input), [batch, d_m].</summary>
    public IReadOnlyList<Tensor> Embeddings { get; }

    /// <summary>Each modality's own logits [batch, classes], computed on first use.</summary>
    public IReadOnlyList<Tensor> ModalityLogits => _cached ??= _modalityLogits();
}
