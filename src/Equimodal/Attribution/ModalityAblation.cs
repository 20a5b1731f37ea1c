using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Modality ablation (occlusion of a whole modality): each modality's attribution is f(x) - f(x with that modality
/// replaced by its baseline), one value per sample ([batch]).
/// </summary>
public sealed class ModalityAblation : AttributionMethod
{
    /// <summary>Ablation of plain functions.</summary>
    public ModalityAblation() { }

    /// <summary>Ablation of <paramref name="model"/>.</summary>
    public ModalityAblation(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] baselines = AttributionGradients.Baselines(points, options.Baselines);
        using var gradientMode = options.Differentiable ? null : no_grad();
        Tensor full = AttributionGradients.TargetValues(function, points, classes, options.Output);
        var attributions = new Tensor[points.Count];
        for (int m = 0; m < points.Count; m++)
        {
            Tensor[] ablated = points.Select((x, j) => j == m ? baselines[j] : x).ToArray();
            attributions[m] = full - AttributionGradients.TargetValues(function, ablated, classes, options.Output);
        }
        return new AttributionResult(attributions);
    }
}
