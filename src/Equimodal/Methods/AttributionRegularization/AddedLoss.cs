using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>A term borrowed from another method that attr-reg adds to its loss with a weight (0: left out).</summary>
public abstract class AddedLoss
{
    /// <summary><paramref name="loss"/> plus the weighted term of the batch's <paramref name="output"/>, for labels of <paramref name="task"/>.</summary>
    public abstract Tensor AddTo(Tensor loss, ModelOutput output, Batch batch, PredictionTask task);
}
