using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Feature-wise linear modulation: the first modality's projected embedding is scaled and shifted by (gamma, beta)
/// computed from each other modality in turn, then classified. Every embedding is first projected to a common
/// width, so any combination of embedding sizes works (published two-modality versions assume equal sizes).
/// </summary>
public sealed class FilmFusion : FusionHead
{
    private readonly ModuleList<Linear> proj;
    private readonly ModuleList<Linear> film;
    private readonly Linear fc_out;
    private readonly long _hidden;

    /// <summary>Creates the head with a common width of <paramref name="hiddenSize"/>.</summary>
    public FilmFusion(IReadOnlyList<long> embeddingSizes, int classes, long hiddenSize) : base(nameof(FilmFusion), embeddingSizes, classes)
    {
        _hidden = hiddenSize;
        proj = new ModuleList<Linear>(embeddingSizes.Select(d => nn.Linear(d, hiddenSize)).ToArray());
        film = new ModuleList<Linear>(embeddingSizes.Skip(1).Select(_ => nn.Linear(hiddenSize, 2 * hiddenSize)).ToArray());
        fc_out = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        using var scope = NewDisposeScope();
        Tensor h = proj[0].forward(embeddings[0]);
        for (int m = 1; m < embeddings.Count; m++)
        {
            Tensor[] gammaBeta = film[m - 1].forward(proj[m].forward(embeddings[m])).split(_hidden, 1);
            h = (gammaBeta[0] * h).add(gammaBeta[1], One);
        }
        return fc_out.forward(h).MoveToOuterDisposeScope();
    }
}
