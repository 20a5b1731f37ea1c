using Equimodal.Models;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// target-shares=per-sample: uniform targets, pushed only on the samples on which every modality is informative (its
/// own logits give the label a probability above chance); the others weigh 0 in the penalty.
/// </summary>
public sealed class PerSampleTargets : TargetPolicy
{
    /// <inheritdoc />
    public override Tensor? SampleWeights(ModelOutput output, Tensor labels, ScalarType dtype) => Informative(output.ModalityLogits, labels).all(1).to_type(dtype);

    /// <summary>
    /// Per-sample informativeness [batch, modalities] (bool): the modality's own logits give the label a probability above
    /// chance (1 / classes).
    /// </summary>
    public static Tensor Informative(IReadOnlyList<Tensor> modalityLogits, Tensor labels)
    {
        using var noGrad = no_grad();
        Tensor index = labels.to_type(ScalarType.Int64).unsqueeze(1);
        return stack(modalityLogits.Select(z => z.detach().softmax(1).gather(1, index).squeeze(1) > Held(1.0 / z.shape[1])).ToArray(), 1);
    }
}
