using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>One linear classifier per modality; the fused logits are their sum, and each one is that modality's own logits.</summary>
public sealed class SumFusion : FusionHead
{
    private readonly ModuleList<Linear> fc;

    /// <summary>Creates the head.</summary>
    public SumFusion(IReadOnlyList<long> embeddingSizes, int classes) : base(nameof(SumFusion), embeddingSizes, classes)
    {
        fc = new ModuleList<Linear>(embeddingSizes.Select(d => nn.Linear(d, classes)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        Tensor[] parts = ModalityLogits(embeddings);
        return stack(parts).sum(dim: 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        return embeddings.Select((e, m) => fc[m].forward(e)).ToArray();
    }
}
