using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Attributions of one call: one tensor per modality and, where the method has one, the convergence delta.</summary>
public sealed class AttributionResult : IDisposable
{
    /// <summary>Creates the result.</summary>
    public AttributionResult(IReadOnlyList<Tensor> perModality, Tensor? delta = null, Tensor? groupValues = null)
    {
        PerModality = perModality;
        Delta = delta;
        GroupValues = groupValues;
    }

    /// <summary>
    /// One attribution per modality: shaped like the attributed input (or embedding) for gradient and perturbation
    /// methods, and [batch] (one value per sample) for modality-level methods (ablation, Shapley). Methods over feature
    /// groups spread each group's value evenly over its elements, so a modality's sum is the sum of its groups' values.
    /// </summary>
    public IReadOnlyList<Tensor> PerModality { get; }

    /// <summary>
    /// Per-sample convergence delta [batch]: the sum of all attributions minus what they should add up to
    /// (f(x) - f(baseline) for Integrated Gradients and KernelSHAP, v(all) - v(empty) for Shapley values); null when the method has none.
    /// </summary>
    public Tensor? Delta { get; }

    /// <summary>
    /// Methods over feature groups (<see cref="FeatureAblation"/>, <see cref="KernelShap"/>, <see cref="Lime"/>): each
    /// group's value [batch, groups], the groups of modality 0 first, each modality's in the order of its
    /// <see cref="Segmentation.Assign"/>; null for the other methods.
    /// </summary>
    public Tensor? GroupValues { get; }

    /// <summary>Moves every tensor out of the current dispose scope; returns this result.</summary>
    public AttributionResult MoveToOuterDisposeScope()
    {
        foreach (Tensor t in PerModality) t.MoveToOuterDisposeScope();
        Delta?.MoveToOuterDisposeScope();
        GroupValues?.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in PerModality) t.Dispose();
        Delta?.Dispose();
        GroupValues?.Dispose();
    }
}
