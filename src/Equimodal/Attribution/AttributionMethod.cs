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
    /// the options: the raw inputs, or the embeddings (encoded once; only the fusion head is re-run per evaluation).
    /// The model runs in evaluation mode during the call and gets its modes back afterwards.
    /// </summary>
    public AttributionResult Attribute(IReadOnlyList<Tensor> inputs, AttributionTarget target, AttributionOptions? options = null)
    {
        options ??= new AttributionOptions();
        MultimodalClassifier model = Model;
        using var evaluation = new EvaluationModeScope(model);
        if (options.Layer == AttributionLayer.Input)
            return Attribute(x => model.Fuse(model.Encode(x)), inputs, target, options);
        using var scope = NewDisposeScope();
        Tensor[] embeddings;
        using (options.Differentiable ? null : no_grad()) embeddings = model.Encode(inputs);
        return Attribute(model.Fuse, embeddings, target, options).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attributes at the fusion input from embeddings the caller already has (e.g. a training step's own forward pass,
    /// so nothing is encoded twice). In differentiable mode embeddings that carry a graph keep it, so a loss on the
    /// attributions reaches the encoders as well as the fusion head.
    /// </summary>
    public AttributionResult AttributeEmbeddings(IReadOnlyList<Tensor> embeddings, AttributionTarget target, AttributionOptions? options = null)
    {
        MultimodalClassifier model = Model;
        using var evaluation = new EvaluationModeScope(model);
        return Attribute(model.Fuse, embeddings, target, (options ?? new AttributionOptions()) with { Layer = AttributionLayer.Embedding });
    }

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
