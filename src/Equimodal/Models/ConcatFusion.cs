using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Concatenates the embeddings and applies one linear classifier. Modality m's own logits are the slice of the
/// classifier that sees it: z_m = h_m W_m^T + b / M, so the fused logits are exactly the sum of the modality logits.
/// </summary>
public sealed class ConcatFusion : FusionHead
{
    private readonly Linear fc_out;

    /// <summary>Creates the head.</summary>
    public ConcatFusion(IReadOnlyList<long> embeddingSizes, int classes) : base(nameof(ConcatFusion), embeddingSizes, classes)
    {
        fc_out = nn.Linear(embeddingSizes.Sum(), classes);
        RegisterComponents();
    }

    /// <summary>The classifier over the concatenated embeddings.</summary>
    public Linear Classifier => fc_out;

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        using var scope = NewDisposeScope();
        return fc_out.forward(cat(embeddings.ToArray(), 1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        var result = new Tensor[embeddings.Count];
        long offset = 0;
        for (int m = 0; m < embeddings.Count; m++)
        {
            using var scope = NewDisposeScope();
            Tensor weight = fc_out.weight!.narrow(1, offset, EmbeddingSizes[m]);
            result[m] = nn.functional.linear(embeddings[m], weight).add(fc_out.bias! / Held(embeddings.Count), One).MoveToOuterDisposeScope();
            offset += EmbeddingSizes[m];
        }
        return result;
    }
}
