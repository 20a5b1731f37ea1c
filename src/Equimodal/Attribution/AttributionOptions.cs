using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Options shared by every attribution method; each method reads the ones that concern it.</summary>
public sealed record AttributionOptions
{
    /// <summary>Attribute at the raw inputs or at the fusion input (embeddings).</summary>
    public AttributionLayer Layer { get; init; } = AttributionLayer.Input;

    /// <summary>
    /// One baseline per modality, shaped like one sample or like the whole batch (of the inputs, or of the embeddings
    /// at <see cref="AttributionLayer.Embedding"/>); null means zeros for every modality.
    /// </summary>
    public IReadOnlyList<Tensor>? Baselines { get; init; }

    /// <summary>
    /// Keep the graph (create_graph and retain_graph) so a loss built from the attributions back-propagates into the
    /// model's parameters. Off: the attributions are detached and no parameter gradient is computed.
    /// </summary>
    public bool Differentiable { get; init; }

    /// <summary>The attributed quantity: the target logit or its probability.</summary>
    public AttributionOutput Output { get; init; } = AttributionOutput.Logit;

    /// <summary>Integrated Gradients: number of evaluation points on the path.</summary>
    public int Steps { get; init; } = 32;

    /// <summary>Integrated Gradients: quadrature rule.</summary>
    public IntegrationRule Rule { get; init; } = IntegrationRule.GaussLegendre;

    /// <summary>
    /// Integrated Gradients: rows (sample x step) evaluated per forward pass; null evaluates all steps x batch rows at once.
    /// Bounds memory without changing the result.
    /// </summary>
    public int? InternalBatchSize { get; init; }

    /// <summary>Saliency: absolute value of the gradient (true, Captum's default) or the signed gradient.</summary>
    public bool AbsoluteSaliency { get; init; } = true;

    /// <summary>Integrated Gradients: compute the convergence delta (two extra forward passes without a graph).</summary>
    public bool ComputeDelta { get; init; } = true;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), $"Steps must be at least 1, got {Steps}.");
        if (InternalBatchSize is < 1) throw new ArgumentOutOfRangeException(nameof(InternalBatchSize), $"The internal batch size must be at least 1, got {InternalBatchSize}.");
    }
}
