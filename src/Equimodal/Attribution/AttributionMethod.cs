using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Base of every attribution method (Captum style: one call, same shape everywhere). The core works on any
/// <see cref="LogitsFunction"/>; the model overloads pick the function and the attributed tensors from the layer.
/// </summary>
public abstract class AttributionMethod
{
    private readonly MultimodalClassifier? _model;

    /// <summary>A method for plain functions only (<see cref="Attribute(LogitsFunction, IReadOnlyList{Tensor}, AttributionTarget, AttributionOptions?)"/>).</summary>
    protected AttributionMethod() { }

    /// <summary>A method that explains <paramref name="model"/>.</summary>
    protected AttributionMethod(MultimodalClassifier model) => _model = model;

    /// <summary>The explained model.</summary>
    public MultimodalClassifier Model => _model ?? throw new InvalidOperationException($"This {GetType().Name} was created without a model: call the overload that takes a function.");

    /// <summary>
    /// Attributes the target over <paramref name="inputs"/> (one tensor per modality, batch first), at the layer given by
    /// the options: the raw inputs, the embeddings, or the encoders' last blocks (encoded once; only what follows the
    /// layer is re-run per evaluation). The model runs in evaluation mode during the call and gets its modes back afterwards.
    /// </summary>
    public AttributionResult Attribute(IReadOnlyList<Tensor> inputs, AttributionTarget target, AttributionOptions? options = null)
    {
        options ??= new AttributionOptions();
        MultimodalClassifier model = Model;
        using var evaluation = new EvaluationModeScope(model);
        if (options.Layer == AttributionLayer.Input)
            return Attribute(LayerFunction(model, AttributionLayer.Input), inputs, target, options);
        using var scope = NewDisposeScope();
        Tensor[] activations;
        using (options.Differentiable ? null : no_grad())
            activations = options.Layer == AttributionLayer.LastBlock ? model.EncodeFeatures(inputs) : model.Encode(inputs);
        return Attribute(LayerFunction(model, options.Layer), activations, target, options).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attributes at the fusion input from embeddings the caller already has (e.g. a training step's own forward pass,
    /// so nothing is encoded twice). In differentiable mode embeddings that carry a graph keep it, so a loss on the
    /// attributions reaches the encoders as well as the fusion head.
    /// </summary>
    public AttributionResult AttributeEmbeddings(IReadOnlyList<Tensor> embeddings, AttributionTarget target, AttributionOptions? options = null) =>
        AttributeActivations(embeddings, target, (options ?? new AttributionOptions()) with { Layer = AttributionLayer.Embedding });

    /// <summary>
    /// Attributes at <paramref name="options"/>' layer (<see cref="AttributionLayer.Embedding"/> or
    /// <see cref="AttributionLayer.LastBlock"/>) from that layer's activations the caller already has (embeddings, or
    /// <see cref="MultimodalClassifier.EncodeFeatures"/>); graphs are kept in differentiable mode as for embeddings.
    /// </summary>
    public AttributionResult AttributeActivations(IReadOnlyList<Tensor> activations, AttributionTarget target, AttributionOptions options)
    {
        if (options.Layer == AttributionLayer.Input) throw new ArgumentException("AttributeActivations takes embeddings or last-block features; attribute raw inputs with Attribute(inputs, ...).");
        MultimodalClassifier model = Model;
        using var evaluation = new EvaluationModeScope(model);
        return Attribute(LayerFunction(model, options.Layer), activations, target, options);
    }

    /// <summary>The model's logits as a function of the activations at <paramref name="layer"/>.</summary>
    public static LogitsFunction LayerFunction(MultimodalClassifier model, AttributionLayer layer) => layer switch
    {
        AttributionLayer.Input => x => model.Fuse(model.Encode(x)),
        AttributionLayer.Embedding => model.Fuse,
        AttributionLayer.LastBlock => model.FuseFeatures,
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Unknown attribution layer."),
    };

    /// <summary>
    /// The core: attributes the target of <paramref name="function"/> over <paramref name="points"/> (one tensor per
    /// modality, batch first). Rows of the function must be independent (put BatchNorm models in evaluation mode).
    /// </summary>
    public AttributionResult Attribute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions? options = null)
    {
        options ??= new AttributionOptions();
        options.Validate();
        AttributionGradients.BatchSize(points);
        using var scope = NewDisposeScope();
        return Compute(function, points, target, options).MoveToOuterDisposeScope();
    }

    /// <summary>The method itself; runs inside a dispose scope (results are moved out by the caller).</summary>
    protected abstract AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options);
}
