using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Attention over modalities: each embedding becomes a token tanh(W_m e_m); a learned score weighs the tokens
/// (softmax over modalities, per sample) and the weighted sum is classified.
/// </summary>
public sealed class AttentionFusion : FusionHead
{
    private readonly ModuleList<Linear> proj;
    private readonly Linear score;
    private readonly Linear fc_out;

    /// <summary>Creates the head with tokens of width <paramref name="hiddenSize"/>.</summary>
    public AttentionFusion(IReadOnlyList<long> embeddingSizes, int classes, long hiddenSize) : base(nameof(AttentionFusion), embeddingSizes, classes)
    {
        proj = new ModuleList<Linear>(embeddingSizes.Select(d => nn.Linear(d, hiddenSize)).ToArray());
        score = nn.Linear(hiddenSize, 1);
        fc_out = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    /// <summary>Attention weight of each modality, [batch, modalities].</summary>
    public Tensor Weights(IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        return softmax(score.forward(Tokens(embeddings)).squeeze(-1), 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        using var scope = NewDisposeScope();
        Tensor tokens = Tokens(embeddings);
        Tensor weights = softmax(score.forward(tokens).squeeze(-1), 1);
        Tensor fused = (weights.unsqueeze(-1) * tokens).sum(1);
        return fc_out.forward(fused).MoveToOuterDisposeScope();
    }

    private Tensor Tokens(IReadOnlyList<Tensor> embeddings) =>
        stack(embeddings.Select((e, m) => tanh(proj[m].forward(e))).ToArray(), 1);
}
