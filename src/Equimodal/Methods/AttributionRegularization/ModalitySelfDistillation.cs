using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>Option distill-weight: MBSD's self-distillation between the modalities' own logits (<see cref="MbsdMethod.Distillation"/>).</summary>
/// <param name="weight">Weight of the term.</param>
public sealed class ModalitySelfDistillation(double weight) : AddedLoss
{
    /// <inheritdoc />
    public override Tensor AddTo(Tensor loss, ModelOutput output, Batch batch, PredictionTask task)
    {
        using Scalar distillWeight = weight.ToScalar();
        return loss.add(MbsdMethod.Distillation(output.ModalityLogits, batch.Labels).mul(distillWeight), One);
    }
}
