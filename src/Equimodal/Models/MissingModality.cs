using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// The one meaning of a missing modality, used by training methods, diagnostics, evaluation and prediction: its
/// embedding is zero at the fusion input, and the fusion head runs as usual on the modalities present. This is what the
/// methods train with (modality dropout, valuation and AGM zero embeddings), so a model meets at test time the same
/// "absent" it saw in training; zeroing the raw input instead would feed the encoder a signal it was never trained on
/// (after normalisation a zero image is not a blank image) and depend on each encoder's bias.
/// </summary>
public static class MissingModality
{
    /// <summary>The embedding standing for an absent modality: zeros shaped like <paramref name="embedding"/>.</summary>
    public static Tensor Absent(Tensor embedding) => zeros_like(embedding);

    /// <summary>The embeddings with every modality outside <paramref name="coalition"/> (bit m set = modality m present) made absent.</summary>
    public static Tensor[] Keep(IReadOnlyList<Tensor> embeddings, int coalition) =>
        embeddings.Select((e, m) => ModalityCoalitions.Contains(coalition, m) ? e : Absent(e)).ToArray();

    /// <summary>
    /// The embeddings with absent modalities zeroed per sample: <paramref name="presence"/> is [batch, modalities] of
    /// 1 (present) and 0 (absent). The product keeps gradients flowing to the present samples' embeddings.
    /// </summary>
    public static Tensor[] Keep(IReadOnlyList<Tensor> embeddings, Tensor presence)
    {
        if (presence.dim() != 2 || presence.shape[1] != embeddings.Count)
            throw new ArgumentException($"The presence mask must be [batch, {embeddings.Count}], got [{string.Join(", ", presence.shape)}].");
        return embeddings.Select((e, m) => e * presence[.., m].unsqueeze(1).to_type(e.dtype)).ToArray();
    }
}
