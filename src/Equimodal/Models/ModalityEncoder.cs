using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Maps one modality's batch to an embedding of shape [batch, <see cref="EmbeddingSize"/>] (the fusion input), in two
/// parts: <see cref="Features"/> (up to the output of the last block) then <see cref="Pool"/> (pooling to the embedding),
/// so attributions can be taken at the last block as well as at the fusion input.
/// </summary>
public abstract class ModalityEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the encoder.</summary>
    protected ModalityEncoder(string name, long embeddingSize) : base(name) => EmbeddingSize = embeddingSize;

    /// <summary>Width of the embedding this encoder produces.</summary>
    public long EmbeddingSize { get; }

    /// <summary>The output of the encoder's last block, before pooling (batch first).</summary>
    public abstract Tensor Features(Tensor input);

    /// <summary>Pools last-block features into the embedding [batch, <see cref="EmbeddingSize"/>] (the identity when there is nothing to pool).</summary>
    public virtual Tensor Pool(Tensor features) => features;

    /// <summary>The embedding: <see cref="Pool"/> of <see cref="Features"/>.</summary>
    public sealed override Tensor forward(Tensor input) => Pool(Features(input));
}
