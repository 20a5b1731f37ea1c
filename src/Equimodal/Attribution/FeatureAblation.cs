using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Feature ablation: each feature group (<see cref="AttributionOptions.Segmentations"/>, by default a grid over
/// spectrograms, patches per frame, blocks of vectors) is replaced by its baseline, one group at a time; the group's
/// value is f(x) - f(x without the group). One forward row per group and sample, evaluated in chunks.
/// </summary>
public sealed class FeatureAblation : GroupAttributionMethod
{
    /// <summary>Feature ablation of plain functions.</summary>
    public FeatureAblation() { }

    /// <summary>Feature ablation of <paramref name="model"/>.</summary>
    public FeatureAblation(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override (Tensor Values, Tensor? Delta) GroupValues(Func<Tensor, Tensor> evaluate, int groups, AttributionOptions options)
    {
        // Row g drops group g; the last row keeps everything (f(x) through the same path).
        Tensor values = evaluate(cat(new[] { ones(groups, groups, ScalarType.Float64) - eye(groups, dtype: ScalarType.Float64), ones(1, groups, ScalarType.Float64) }, 0));
        return (values.narrow(1, groups, 1) - values.narrow(1, 0, groups), null);
    }
}
