using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Fuses one embedding per modality and classifies: embeddings [batch, d_m] to logits [batch, classes].
/// It also gives each modality's own logits, from which unimodal accuracy and gradient modulation are computed.
/// </summary>
public abstract class FusionHead : nn.Module
{
    /// <summary>Creates the head for embeddings of the given widths.</summary>
    protected FusionHead(string name, IReadOnlyList<long> embeddingSizes, int classes) : base(name)
    {
        if (embeddingSizes.Count == 0) throw new ArgumentException("A fusion head needs at least one modality.", nameof(embeddingSizes));
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), "At least one output (class, label or target) is needed.");
        EmbeddingSizes = embeddingSizes.ToArray();
        Classes = classes;
    }

    /// <summary>Embedding width of each modality, in order.</summary>
    public IReadOnlyList<long> EmbeddingSizes { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Fused logits.</summary>
    public abstract Tensor Forward(IReadOnlyList<Tensor> embeddings);

    /// <summary>
    /// Each modality's own logits. By default the head's prediction with only that modality present (every other one
    /// absent, see <see cref="MissingModality"/>); heads that decompose additively (concat, sum) override this with the
    /// exact share of each modality, which differs from the prediction with the others absent by a constant per class
    /// (the bias the other modalities' share would carry).
    /// </summary>
    public virtual Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        var result = new Tensor[embeddings.Count];
        for (int m = 0; m < embeddings.Count; m++)
        {
            using var scope = NewDisposeScope();
            result[m] = Forward(MissingModality.Keep(embeddings, 1 << m)).MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>Throws a clear error when the embeddings do not match the head.</summary>
    protected void CheckEmbeddings(IReadOnlyList<Tensor> embeddings)
    {
        if (embeddings.Count != EmbeddingSizes.Count)
            throw new ArgumentException($"The fusion head expects {EmbeddingSizes.Count} embeddings, got {embeddings.Count}.");
        for (int m = 0; m < embeddings.Count; m++)
        {
            if (embeddings[m].dim() != 2 || embeddings[m].shape[1] != EmbeddingSizes[m])
                throw new ArgumentException($"Embedding {m} must be [batch, {EmbeddingSizes[m]}], got [{string.Join(", ", embeddings[m].shape)}].");
        }
    }
}
