using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Saliency: the gradient of the target with respect to each input, as |gradient| (default) or signed.</summary>
public sealed class Saliency : AttributionMethod
{
    /// <summary>Saliency of plain functions.</summary>
    public Saliency() { }

    /// <summary>Saliency of <paramref name="model"/>.</summary>
    public Saliency(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] gradients = AttributionGradients.Gradients(function, AttributionGradients.Track(points, options.Differentiable), classes, options);
        return new AttributionResult(options.AbsoluteSaliency ? gradients.Select(g => g.abs()).ToArray() : gradients);
    }
}
