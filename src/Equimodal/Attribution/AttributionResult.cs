using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Attributions of one call: one tensor per modality and, where the method has one, the convergence delta.</summary>
public sealed class AttributionResult : IDisposable
{
    /// <summary>Creates the result.</summary>
    public AttributionResult(IReadOnlyList<Tensor> perModality, Tensor? delta = null)
    {
        PerModality = perModality;
        Delta = delta;
    }

    /// <summary>
    /// One attribution per modality: shaped like the attributed input (or embedding) for gradient methods, and [batch]
    /// (one value per sample) for modality-level methods (ablation, Shapley).
    /// </summary>
    public IReadOnlyList<Tensor> PerModality { get; }

    /// <summary>
    /// Per-sample convergence delta [batch]: the sum of all attributions minus what they should add up to
    /// (f(x) - f(baseline) for Integrated Gradients, v(all) - v(empty) for Shapley values); null when the method has none.
    /// </summary>
    public Tensor? Delta { get; }

    /// <summary>Moves every tensor out of the current dispose scope; returns this result.</summary>
    public AttributionResult MoveToOuterDisposeScope()
    {
        foreach (Tensor t in PerModality) t.MoveToOuterDisposeScope();
        Delta?.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in PerModality) t.Dispose();
        Delta?.Dispose();
    }
}
