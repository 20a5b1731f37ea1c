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
/// With penalty-direction=down the shares keep their values but pass gradient only to the contributions of the
/// modalities above their target share, sample by sample (<see cref="DownOnly"/>).
/// </summary>
public sealed class PenalisedShares
{
    private readonly ModalityShareMeasure _measure;
    private readonly MultimodalClassifier _model;
    private readonly AttributedOutput _attributed;
    private readonly bool _drop;
    private readonly bool _meanBaseline;
    private readonly bool _downOnly;
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
        _downOnly = options.DownOnly;
    }

    /// <summary>
    /// The shares of a batch labelled <paramref name="labels"/> from the <paramref name="activations"/> at the measure's
    /// layer; <paramref name="targets"/> (one per modality) decide which contributions a penalty may move.
    /// </summary>
    public Tensor Of(IReadOnlyList<Tensor> activations, Tensor labels, IReadOnlyList<double> targets)
    {
        Tensor contributions = Contributions(activations, labels);
        return _downOnly ? DownOnly(contributions, targets) : AttributionShares.Normalise(contributions);
    }

    private Tensor Contributions(IReadOnlyList<Tensor> activations, Tensor labels) =>
        _drop ? DropContributions(AttributionMethod.LayerFunction(_model, _measure.Layer), activations, labels, _meanBaseline)
        : _task.Kind != TaskKind.Classification ? _measure.Contributions(activations, AttributionTarget.Class(0), differentiable: true, _attributed.OfTaskOutput(_task, labels))
        : _measure.Contributions(activations, _attributed.Target(labels), differentiable: true, _attributed.OfLogits);

    /// <summary>
    /// Shares of <paramref name="contributions"/> [batch, modalities] with the values of
    /// <see cref="AttributionShares.Normalise"/>, whose gradient reaches only the contributions of the modalities whose
    /// share in that sample is above their <paramref name="targets"/>. A penalty on them can lower a dominant
    /// modality's contribution but cannot raise a weak modality's share by inflating its attribution, which Gradient x
    /// Input credits whether or not it is evidence for the class (docs/attr-reg-study.md).
    /// </summary>
    public static Tensor DownOnly(Tensor contributions, IReadOnlyList<double> targets)
    {
        using var scope = NewDisposeScope();
        Tensor r = tensor(targets.Select(t => (float)t).ToArray(), dtype: contributions.dtype, device: contributions.device).unsqueeze(0);
        Tensor above = AttributionShares.Normalise(contributions.detach()).gt(r);
        return AttributionShares.Normalise(where(above, contributions, contributions.detach())).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Outcome contributions [batch, modalities]: modality m's is the drop of the true-class log-probability when its
    /// embedding is replaced by the batch mean or by zeros, clamped at 0.
    /// </summary>
    public static Tensor DropContributions(LogitsFunction fuse, IReadOnlyList<Tensor> embeddings, Tensor labels, bool meanBaseline)
    {
        Tensor full = AttributedOutput.TrueClassLogProbability(fuse(embeddings), labels);
        Tensor[] drops = new Tensor[embeddings.Count];
        for (int m = 0; m < embeddings.Count; m++)
        {
            Tensor baseline = meanBaseline ? embeddings[m].mean(new long[] { 0 }, keepdim: true).expand_as(embeddings[m]) : zeros_like(embeddings[m]);
            Tensor[] replaced = embeddings.Select((e, j) => j == m ? baseline : e).ToArray();
            drops[m] = (full - AttributedOutput.TrueClassLogProbability(fuse(replaced), labels)).clamp_min(Held(0));
        }
        return stack(drops, 1);
    }
}
