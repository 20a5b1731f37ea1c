using Equimodal.Attribution;
using Equimodal.Models;
using Equimodal.Tasks;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// The differentiable shares [batch, modalities] attr-reg penalises, by its quantity option. logit and log-prob: the
/// <see cref="ModalityShareMeasure"/> of the <see cref="AttributedOutput"/>. drop: each modality's outcome contribution
/// max(0, log p_y(a) - log p_y(a with a_m replaced by its batch mean or zero)), y the label, over their sum.
/// </summary>
public sealed class PenalisedShares
{
    private readonly ModalityShareMeasure _measure;
    private readonly MultimodalClassifier _model;
    private readonly AttributedOutput _attributed;
    private readonly bool _drop;
    private readonly bool _meanBaseline;
    private readonly PredictionTask _task;

    /// <summary>The shares of <paramref name="model"/> as <paramref name="options"/> define them, for labels of <paramref name="task"/>.</summary>
    public PenalisedShares(MultimodalClassifier model, AttributionRegularizationOptions options, PredictionTask task)
    {
        _task = task;
        _model = model;
        _measure = new ModalityShareMeasure(AttributionRegistry.Get(options.Attribution).Create(model), options.Pooling, options.Layer, options.IntegrationSteps);
        _attributed = new AttributedOutput(options.TrueClass, options.Quantity == "log-prob");
        _drop = options.Quantity == "drop";
        _meanBaseline = options.MeanBaseline;
    }

    /// <summary>The shares of a batch labelled <paramref name="labels"/> from the <paramref name="activations"/> at the measure's layer.</summary>
    public Tensor Of(IReadOnlyList<Tensor> activations, Tensor labels) =>
        _drop ? DropShares(AttributionMethod.LayerFunction(_model, _measure.Layer), activations, labels, _meanBaseline)
        : _task.Kind != TaskKind.Classification ? _measure.Shares(activations, AttributionTarget.Class(0), differentiable: true, _attributed.OfTaskOutput(_task, labels))
        : _measure.Shares(activations, _attributed.Target(labels), differentiable: true, _attributed.OfLogits);

    /// <summary>
    /// Outcome shares [batch, modalities]: modality m's contribution is the drop of the true-class log-probability when its
    /// embedding is replaced by the batch mean or by zeros, clamped at 0; the shares are the contributions over
    /// their sum (all zero when no modality helps).
    /// </summary>
    public static Tensor DropShares(LogitsFunction fuse, IReadOnlyList<Tensor> embeddings, Tensor labels, bool meanBaseline)
    {
        Tensor full = AttributedOutput.TrueClassLogProbability(fuse(embeddings), labels);
        Tensor[] drops = new Tensor[embeddings.Count];
        for (int m = 0; m < embeddings.Count; m++)
        {
            Tensor baseline = meanBaseline ? embeddings[m].mean(new long[] { 0 }, keepdim: true).expand_as(embeddings[m]) : zeros_like(embeddings[m]);
            Tensor[] replaced = embeddings.Select((e, j) => j == m ? baseline : e).ToArray();
            drops[m] = (full - AttributedOutput.TrueClassLogProbability(fuse(replaced), labels)).clamp_min(Held(0));
        }
        Tensor contributions = stack(drops, 1);
        return contributions / contributions.sum(1, keepdim: true).clamp_min(Held(1e-12));
    }
}
