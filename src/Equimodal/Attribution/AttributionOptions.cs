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
    /// Rows evaluated per forward pass: (sample x step) for Integrated Gradients, where null evaluates all steps x batch
    /// rows at once; (sample x perturbed input) for the perturbation methods, where null means
    /// <see cref="DefaultPerturbationRowsPerPass"/>. Bounds memory without changing the result.
    /// </summary>
    public int? InternalBatchSize { get; init; }

    /// <summary>Saliency: absolute value of the gradient (true, Captum's default) or the signed gradient.</summary>
    public bool AbsoluteSaliency { get; init; } = true;

    /// <summary>Integrated Gradients: compute the convergence delta (two extra forward passes without a graph).</summary>
    public bool ComputeDelta { get; init; } = true;

    /// <summary>
    /// Perturbation methods (<see cref="FeatureAblation"/>, <see cref="KernelShap"/>, <see cref="Lime"/>): how each
    /// modality is cut into feature groups, one entry per modality; null (or a null entry) means
    /// <see cref="Segmentation.Default"/> for that modality's sample shape.
    /// </summary>
    public IReadOnlyList<Segmentation?>? Segmentations { get; init; }

    /// <summary>
    /// Occlusion: the window shape per modality (one size per sample dimension); null (or a null entry) means the band
    /// size of the modality's default segmentation, e.g. a 8 x 7 mel x time patch of a 32 x 51 spectrogram.
    /// </summary>
    public IReadOnlyList<long[]?>? OcclusionWindows { get; init; }

    /// <summary>Occlusion: the stride per modality; null (or a null entry) means the window itself (no overlap).</summary>
    public IReadOnlyList<long[]?>? OcclusionStrides { get; init; }

    /// <summary>
    /// KernelSHAP and LIME: perturbed inputs (coalitions of feature groups) evaluated per sample; null means
    /// 2 x groups + 2048, the shap package's default. KernelSHAP enumerates every coalition instead when there are no more than this.
    /// </summary>
    public int? PerturbationSamples { get; init; }

    /// <summary>
    /// LIME: width w of the kernel exp(-d^2 / (2 w^2)) over the cosine distance d between a coalition and the full input
    /// (lime's and Captum's kernel; the default 0.25 is lime's).
    /// </summary>
    public double LimeKernelWidth { get; init; } = 0.25;

    /// <summary>Seed of the coalition sampler of KernelSHAP and LIME (the same seed gives the same coalitions).</summary>
    public int Seed { get; init; }

    /// <summary>Integrated Gradients and the perturbation methods: called after each forward pass (chunk of rows) with the rows evaluated so far and the total.</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>Rows per forward pass of the perturbation methods when <see cref="InternalBatchSize"/> is null.</summary>
    public const int DefaultPerturbationRowsPerPass = 256;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (PerturbationSamples is < 1 or > AttributionRegistry.MaxCoalitions)
            throw new ArgumentOutOfRangeException(nameof(PerturbationSamples), $"The number of perturbation samples must be between 1 and {AttributionRegistry.MaxCoalitions}, got {PerturbationSamples}.");
        if (!(LimeKernelWidth > 0)) throw new ArgumentOutOfRangeException(nameof(LimeKernelWidth), $"The LIME kernel width must be positive, got {LimeKernelWidth}.");
        if (Steps is < 1 or > AttributionRegistry.MaxSteps) throw new ArgumentOutOfRangeException(nameof(Steps), $"Steps must be between 1 and {AttributionRegistry.MaxSteps}, got {Steps}.");
        if (InternalBatchSize is < 1) throw new ArgumentOutOfRangeException(nameof(InternalBatchSize), $"The internal batch size must be at least 1, got {InternalBatchSize}.");
    }
}
