using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// Option unimodal-weight: the mean of the task's loss on each modality's own logits (cross-entropy for classification),
/// which makes a weak modality learn where the share penalty alone only rescales embeddings.
/// </summary>
/// <param name="weight">Weight of the term.</param>
public sealed class UnimodalLoss(double weight) : AddedLoss
{
    /// <inheritdoc />
    public override Tensor AddTo(Tensor loss, ModelOutput output, Batch batch, PredictionTask task) =>
        loss.add(Held(weight) * stack(output.ModalityLogits.Select(z => task.Loss(z, batch.Labels)).ToArray()).mean(), One);
}
