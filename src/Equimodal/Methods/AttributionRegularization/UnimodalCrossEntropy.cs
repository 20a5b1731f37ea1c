using Equimodal.Data;
using Equimodal.Models;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// Option unimodal-weight: the mean cross-entropy of each modality's own logits, which makes a weak modality learn where
/// the share penalty alone only rescales embeddings.
/// </summary>
/// <param name="weight">Weight of the term.</param>
public sealed class UnimodalCrossEntropy(double weight) : AddedLoss
{
    /// <inheritdoc />
    public override Tensor AddTo(Tensor loss, ModelOutput output, Batch batch) =>
        loss.add(Held(weight) * stack(output.ModalityLogits.Select(z => nn.functional.cross_entropy(z, batch.Labels)).ToArray()).mean(), One);
}
