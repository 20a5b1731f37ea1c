using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Per-modality contributions and shares from attribution tensors; every step is differentiable.</summary>
public static class AttributionShares
{
    /// <summary>Keeps the L2 norm differentiable at zero and the shares defined when every contribution is zero.</summary>
    private const double Epsilon = 1e-12;

    /// <summary>One contribution per sample [batch]: the L1 or L2 norm, or the net sum, of the attribution over all non-batch dimensions.</summary>
    public static Tensor Contribution(Tensor attribution, AttributionPooling pooling)
    {
        if (attribution.dim() == 0) throw new ArgumentException("Attributions must be batch first, got a scalar.");
        Tensor flat = attribution.reshape(attribution.shape[0], -1);
        return pooling switch
        {
            AttributionPooling.L1 => flat.abs().sum(1),
            AttributionPooling.Net => flat.sum(1).clamp_min(Held(0)),
            _ => flat.pow(Held(2)).sum(1).add(Held(Epsilon), One).sqrt(),
        };
    }

    /// <summary>Contributions of every modality [batch, modalities].</summary>
    public static Tensor Contributions(IReadOnlyList<Tensor> perModality, AttributionPooling pooling)
    {
        if (perModality.Count == 0) throw new ArgumentException("No attributions given.");
        return stack(perModality.Select(a => Contribution(a, pooling)).ToArray(), 1);
    }

    /// <summary>Normalized shares [batch, modalities]: each sample's contributions divided by their sum, so each row sums to 1 (all zeros when every contribution is zero).</summary>
    public static Tensor Shares(IReadOnlyList<Tensor> perModality, AttributionPooling pooling = AttributionPooling.L1)
    {
        return Normalise(Contributions(perModality, pooling));
    }

    /// <summary>Contributions [batch, modalities] over each sample's sum, so each row sums to 1 (all zeros when every contribution is zero).</summary>
    public static Tensor Normalise(Tensor contributions) => contributions / contributions.sum(1, keepdim: true).clamp_min(Held(Epsilon));

    /// <summary>The mean over the batch of per-sample values [batch, modalities], giving [modalities].</summary>
    public static Tensor BatchMean(Tensor perSample) => perSample.mean(new long[] { 0 });
}
