using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// How much each modality contributes to an output, as shares [batch, modalities] that sum to 1 per sample: an
/// attribution method's attributions at a layer's activations, pooled per modality and normalised. One definition for
/// the shares evaluation and prediction report (<see cref="Reported"/>) and those attribution regularization penalises.
/// </summary>
public sealed class ModalityShareMeasure
{
    private readonly AttributionMethod _attribution;
    private readonly AttributionPooling _pooling;
    private readonly AttributionLayer _layer;
    private readonly int _integrationSteps;

    /// <summary>
    /// Shares from <paramref name="attribution"/> (created for a model) at <paramref name="layer"/> (the fusion input or
    /// the encoders' last blocks), pooled by <paramref name="pooling"/>; <paramref name="integrationSteps"/> is read by
    /// Integrated Gradients only.
    /// </summary>
    public ModalityShareMeasure(AttributionMethod attribution, AttributionPooling pooling, AttributionLayer layer = AttributionLayer.Embedding, int integrationSteps = 32)
    {
        if (layer == AttributionLayer.Input) throw new ArgumentException("Modality shares are measured at the embeddings or the last blocks, where each modality is one tensor; not at the raw inputs.", nameof(layer));
        _attribution = attribution;
        _pooling = pooling;
        _layer = layer;
        _integrationSteps = integrationSteps;
    }

    /// <summary>
    /// The shares `evaluate`, `compare` and `predict` report: Gradient x Input at the fusion input, L2-pooled (what
    /// attr-reg penalises by default).
    /// </summary>
    public static ModalityShareMeasure Reported(MultimodalClassifier model) => new(new GradientTimesInput(model), AttributionPooling.L2);

    /// <summary>Where the shares are measured.</summary>
    public AttributionLayer Layer => _layer;

    /// <summary>
    /// The shares of <paramref name="target"/> at <paramref name="activations"/> (one tensor per modality at
    /// <see cref="Layer"/>: embeddings, or <see cref="MultimodalClassifier.EncodeFeatures"/>), with the model in
    /// evaluation mode. <paramref name="ofLogits"/> turns the logits into the attributed quantity (e.g. log-softmax);
    /// null attributes the logits. <paramref name="differentiable"/> keeps the graph, so a loss on the shares trains the model.
    /// </summary>
    public Tensor Shares(IReadOnlyList<Tensor> activations, AttributionTarget target, bool differentiable = false, Func<Tensor, Tensor>? ofLogits = null) =>
        AttributionShares.Normalise(Contributions(activations, target, differentiable, ofLogits));

    /// <summary>The pooled contributions [batch, modalities] that <see cref="Shares"/> normalises, same arguments.</summary>
    public Tensor Contributions(IReadOnlyList<Tensor> activations, AttributionTarget target, bool differentiable = false, Func<Tensor, Tensor>? ofLogits = null)
    {
        MultimodalClassifier model = _attribution.Model;
        var options = new AttributionOptions { Differentiable = differentiable, ComputeDelta = false, Steps = _integrationSteps, Layer = _layer };
        LogitsFunction logits = AttributionMethod.LayerFunction(model, _layer);
        using var evaluation = new EvaluationModeScope(model);
        AttributionResult result = _attribution.Attribute(ofLogits is null ? logits : a => ofLogits(logits(a)), activations, target, options);
        return AttributionShares.Contributions(result.PerModality, _pooling);
    }
}
