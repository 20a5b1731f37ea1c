using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Gated fusion: the first modality's projected embedding is multiplied by a sigmoid gate computed from each other
/// modality, then classified. Projections to a common width make any embedding sizes work.
/// </summary>
public sealed class GatedFusion : FusionHead
{
    private readonly ModuleList<Linear> proj;
    private readonly ModuleList<Linear> gate;
    private readonly Linear fc_out;

    /// <summary>Creates the head with a common width of <paramref name="hiddenSize"/>.</summary>
    public GatedFusion(IReadOnlyList<long> embeddingSizes, int classes, long hiddenSize) : base(nameof(GatedFusion), embeddingSizes, classes)
    {
        proj = new ModuleList<Linear>(nn.Linear(embeddingSizes[0], hiddenSize));
        gate = new ModuleList<Linear>(embeddingSizes.Skip(1).Select(d => nn.Linear(d, hiddenSize)).ToArray());
        fc_out = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        using var scope = NewDisposeScope();
        Tensor h = proj[0].forward(embeddings[0]);
        for (int m = 1; m < embeddings.Count; m++) h = h * sigmoid(gate[m - 1].forward(embeddings[m]));
        return fc_out.forward(h).MoveToOuterDisposeScope();
    }
}
