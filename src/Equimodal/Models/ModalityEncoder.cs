using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>Maps one modality's batch to an embedding of shape [batch, <see cref="EmbeddingSize"/>] (the fusion input).</summary>
public abstract class ModalityEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the encoder.</summary>
    protected ModalityEncoder(string name, long embeddingSize) : base(name) => EmbeddingSize = embeddingSize;

    /// <summary>Width of the embedding this encoder produces.</summary>
    public long EmbeddingSize { get; }
}
