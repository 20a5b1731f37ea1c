using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Base of the methods that value feature groups (<see cref="AttributionOptions.Segmentations"/>) of all modalities
/// together from the target at coalitions of groups, absent groups replaced by the baseline. The result spreads each
/// group's value evenly over its elements and keeps the values in <see cref="AttributionResult.GroupValues"/>.
/// </summary>
public abstract class GroupAttributionMethod : AttributionMethod
{
    /// <summary>A method for plain functions only.</summary>
    protected GroupAttributionMethod() { }

    /// <summary>A method that explains <paramref name="model"/>.</summary>
    protected GroupAttributionMethod(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected sealed override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        var (inputs, classes, baselines) = Perturbations.Prepare(function, points, target, options);
        var groups = new FeatureGroups(inputs, options.Segmentations);
        Tensor Evaluate(Tensor coalitions) => Perturbations.Evaluate(function, inputs, baselines, coalitions.shape[0],
            rows => groups.Keep(coalitions.index_select(0, rows)), classes, options).to_type(ScalarType.Float64);
        var (values, delta) = GroupValues(Evaluate, groups.Count, options);
        ScalarType dtype = inputs[0].dtype;
        return new AttributionResult(groups.Spread(values, inputs), delta?.to(dtype), values.to(dtype));
    }

    /// <summary>
    /// The value of every group [batch, groups] and, where the method has one, the delta [batch].
    /// <paramref name="evaluate"/> maps coalitions [n, groups] (1 = present) to the target in float64 [batch, n],
    /// evaluated in chunks of rows.
    /// </summary>
    protected abstract (Tensor Values, Tensor? Delta) GroupValues(Func<Tensor, Tensor> evaluate, int groups, AttributionOptions options);
}
