using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// attr-reg's penalty: the distance between shares [batch, modalities] and target shares (normalised), per sample and
/// averaged over the batch, or of the batch-mean shares. l1: sum |s - r|; l2: sum (s - r)^2; kl: KL(r || s) = sum r log(r / s).
/// </summary>
/// <param name="Distance">l1, l2 or kl (<see cref="Distances"/>).</param>
/// <param name="OfBatchMean">True: the distance of the batch-mean shares; false: the mean of the per-sample distances.</param>
public sealed record SharePenalty(string Distance, bool OfBatchMean)
{
    /// <summary>The distances, as option values.</summary>
    public static IReadOnlyList<string> Distances { get; } = new[] { "l1", "l2", "kl" };

    /// <summary>
    /// The penalty of <paramref name="shares"/> against <paramref name="targets"/>; with <paramref name="sampleWeights"/>
    /// [batch] (e.g. 1 for samples to push, 0 for the others) a weighted mean of the per-sample distances, or the
    /// distance of the weighted mean shares; 0 when every weight is 0.
    /// </summary>
    public Tensor Of(Tensor shares, IReadOnlyList<double> targets, Tensor? sampleWeights = null)
    {
        Tensor? w = sampleWeights?.to_type(shares.dtype);
        Tensor? total = w?.sum().clamp_min(Held(1e-12));
        Tensor s = !OfBatchMean ? shares
            : w is null ? shares.mean(new long[] { 0 }, keepdim: true)
            : (shares * w.unsqueeze(1)).sum(0, keepdim: true) / total!;
        Tensor r = tensor(targets.Select(t => (float)t).ToArray(), dtype: s.dtype, device: s.device).unsqueeze(0);
        Tensor perRow = Distance switch
        {
            "l1" => (s - r).abs().sum(1),
            "l2" => (s - r).pow(Held(2)).sum(1),
            "kl" => (r * (r.clamp_min(Held(1e-12)).log() - s.clamp_min(Held(1e-12)).log())).sum(1),
            _ => throw new ArgumentException($"Unknown distance '{Distance}'. Valid distances: {string.Join(", ", Distances)}."),
        };
        if (w is null) return perRow.mean();
        return OfBatchMean ? perRow.sum() * (w.sum() > Held(0)).to_type(perRow.dtype) : (perRow * w).sum() / total!;
    }
}
