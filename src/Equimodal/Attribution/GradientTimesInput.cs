using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Gradient x Input: each input times the gradient of the target with respect to it (one backward pass).</summary>
public sealed class GradientTimesInput : AttributionMethod
{
    /// <summary>Gradient x Input of plain functions.</summary>
    public GradientTimesInput() { }

    /// <summary>Gradient x Input of <paramref name="model"/>.</summary>
    public GradientTimesInput(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] tracked = AttributionGradients.Track(points, options.Differentiable);
        Tensor[] gradients = AttributionGradients.Gradients(function, tracked, classes, options);
        return new AttributionResult(tracked.Select((x, m) => options.Differentiable ? x * gradients[m] : x.detach() * gradients[m]).ToArray());
    }
}
