using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// Attribution regularization (Yerramilli et al., "Attribution Regularization for Multimodal Paradigms", 2024). Each step,
/// every modality's attribution at the fusion input is taken (Gradient x Input of the top class score with respect to its
/// embedding, A_i = (d max_c f_c(e) / d e_i) * e_i), pooled to a_i = ||A_i||_2, normalised to shares s_i = a_i / sum_j a_j,
/// and penalised by its distance to target shares: R = sum_i |s_i - r_i|; the loss is CE + lambda * R.
/// In the published configuration ("attr-reg-published") R acts only on the fusion and classifier layers through a
/// separate optimizer. Every choice is an option so the variants can be compared; "attr-reg" carries the defaults that
/// the study (docs/attr-reg-study.md) supports best: the penalty on the whole network plus the task's loss on each
/// modality's own logits (unimodal-weight=auto: for classification 8 times the fused loss's weight, a mean over the
/// modalities), which makes the weak modality learn where the share penalty alone only rescales embeddings.
/// The parts: <see cref="PenalisedShares"/> (how shares are measured), <see cref="SharePenalty"/>, a
/// <see cref="TargetPolicy"/>, and the <see cref="AddedLoss"/> terms borrowed from other methods.
/// </summary>
[Method("attr-reg", "Attribution regularization (Yerramilli et al. 2024), tuned defaults: pushes each modality's attribution share toward a target and trains each modality's own logits (unimodal-weight=auto).", MinModalities = 2, Presets = new[] { "unimodal-weight=auto" },
    Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
[Method("attr-reg-published", "Attribution regularization exactly as published: GxI, L2 pooling, L1 distance to uniform shares, fusion layers only via a separate optimizer.", MinModalities = 2, Presets = new[] { "penalty-scope=fusion" },
    Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class AttributionRegularizationMethod : TrainingMethod
{
    private readonly AttributionRegularizationOptions _options;
    private readonly TargetPolicy _targets;
    private AddedLoss[] _addedLosses = Array.Empty<AddedLoss>();
    private readonly TeacherDistillation? _teachers;
    private PenalisedShares? _shares;
    private optim.Optimizer? _fusionOptimizer;
    private Parameter[] _fusionParameters = Array.Empty<Parameter>();
    private EpochMeans? _epochMeans;

    /// <summary>Creates "attr-reg" (tuned defaults) or "attr-reg-published" (its preset penalty-scope=fusion, the publication's configuration).</summary>
    public AttributionRegularizationMethod(MethodSettings settings)
    {
        _options = new AttributionRegularizationOptions(settings);
        _targets = TargetPolicy.Create(_options.TargetShares, _options.TargetRatios);
        if (_options.TeacherWeight > 0) _teachers = new TeacherDistillation(_options.TeacherWeight, _options.TeacherEpochs);
    }

    // The unimodal term's weight depends on the task (unimodal-weight=auto), which is known from Setup on.
    private AddedLoss[] AddedLosses(TaskKind task)
    {
        var added = new List<AddedLoss>();
        double unimodal = _options.UnimodalWeightFor(task);
        if (unimodal > 0) added.Add(new UnimodalLoss(unimodal));
        if (_options.DistillWeight > 0) added.Add(new ModalitySelfDistillation(_options.DistillWeight));
        if (_teachers is not null) added.Add(_teachers);
        return added.ToArray();
    }

    /// <summary>Exact with per-sample penalties (a batch mean, like the loss); the batch-mean share penalty and the inverse-variance targets depend on the whole batch at once; teachers are trained by a nested single-process trainer.</summary>
    public override DataParallelSupport DataParallel =>
        _teachers is not null ? DataParallelSupport.Unsupported($"{Name} with teachers trains its teachers with a nested single-process trainer, which does not shard or average.")
        : _options.Penalty.OfBatchMean ? DataParallelSupport.Unsupported($"{Name} with penalty-per=batch penalises the batch-mean shares, which data-parallel training would take per rank; use penalty-per=sample.")
        : _targets.DataParallelProblem is { } problem ? DataParallelSupport.Unsupported($"{Name} with {problem}")
        : DataParallelSupport.Supported;

    /// <summary>Weight of the attribution penalty after the warm-up.</summary>
    public double Lambda => _options.Lambda;

    /// <summary>The options as read.</summary>
    public AttributionRegularizationOptions Options => _options;

    /// <summary>Where the attributions are taken: <see cref="AttributionLayer.Embedding"/> (option attribution-layer=fusion) or <see cref="AttributionLayer.LastBlock"/>.</summary>
    public AttributionLayer Layer => _options.Layer;

    /// <summary>The frozen unimodal teachers of option teacher-weight (empty when it is 0 or before they are trained).</summary>
    public IReadOnlyList<MultimodalClassifier> Teachers => _teachers?.Teachers.Models ?? Array.Empty<MultimodalClassifier>();

    /// <summary>Option embedding-norm sets the model's <see cref="ModelOptions.EmbeddingNorm"/> (in training and at test time); none leaves the model's own.</summary>
    public override ModelOptions ConfigureModel(ModelOptions options) =>
        _options.EmbeddingNorm == "none" ? base.ConfigureModel(options) : base.ConfigureModel(options) with { EmbeddingNorm = _options.EmbeddingNorm };

    /// <summary>The current target share of each modality (normalised to sum 1).</summary>
    public IReadOnlyList<double> Targets => _targets.Targets;

    /// <summary>The share penalty.</summary>
    public SharePenalty Penalty => _options.Penalty;

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        if (_teachers is not null) UnimodalTeachers.CheckContext(context, Name);
        if (context.Task.Kind != TaskKind.Classification) RejectClassOnlyOptions(context.Task.Kind);
        base.Setup(context);
        _teachers?.Dispose();
        _targets.Setup(context.Model.ModalityNames);
        _addedLosses = AddedLosses(context.Task.Kind);
        // Training means of the penalty and of each modality's attribution share.
        _epochMeans = new EpochMeans("attr-reg", context.Model.ModalityNames.Select(m => $"attr-reg.train-share.{m}").Prepend("attr-reg.penalty"));
        _shares = new PenalisedShares(context.Model, _options, context.Task);
        if (_options.FusionOnly)
        {
            _fusionParameters = context.Model.FusionParameters().ToArray();
            // The publication's separate optimizer: same kind and learning rate as the main one, fusion layers only, no weight decay.
            _fusionOptimizer = context.Steps.Register("attr-reg.fusion-optimizer", OptimizerFactory.Create(_fusionParameters, context.Options, weightDecay: 0));
        }
    }

    /// <summary>Options whose definition needs class probabilities are refused for other tasks, naming the option.</summary>
    private void RejectClassOnlyOptions(TaskKind task)
    {
        string? refused = _options.Quantity != "logit" ? $"quantity={_options.Quantity} (a class's log-probability)"
            : _options.TargetShares is "per-sample" or "inverse-variance" or "adaptive" ? $"target-shares={_options.TargetShares} (class probabilities or accuracies)"
            : _options.DistillWeight > 0 ? "distill-weight (class probabilities)"
            : null;
        if (refused is not null)
            throw new ArgumentException($"Method '{Name}' option {refused} is defined for classification only, not the {PredictionTask.NameOf(task)} task; leave it at its default.");
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch)
    {
        _teachers?.Teachers.Train(Context);
        _epochMeans?.Reset();
        _targets.OnEpochStart();
    }

    /// <summary>The penalty weight in <paramref name="epoch"/>: a linear ramp from 0 over the warm-up epochs, then <see cref="Lambda"/>.</summary>
    public double LambdaAt(int epoch) => _options.WarmupEpochs == 0 ? Lambda : Lambda * Math.Min(1.0, (double)epoch / _options.WarmupEpochs);

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        MultimodalClassifier model = Context.Model;
        // Attributions at the last block need its activations, which the embeddings are pooled from in the same pass.
        bool lastBlock = _options.Layer == AttributionLayer.LastBlock;
        Tensor[] activations = lastBlock ? model.EncodeFeatures(batch.Inputs) : model.Encode(batch.Inputs);
        Tensor[] embeddings = lastBlock ? activations.Select((f, m) => model.Embed(m, f)).ToArray() : activations;
        var output = new ModelOutput(model.Fuse(embeddings), embeddings, () => model.ModalityLogits(embeddings));
        Tensor crossEntropy = Context.Task.Loss(output.Logits, batch.Labels);
        // Fusion scope: the penalty sees the activations as constants, so its gradient reaches only the layers after them.
        Tensor shares = Shares(_options.FusionOnly ? activations.Select(a => a.detach()).ToArray() : activations, batch.Labels);
        Tensor penalty = _options.Penalty.Of(shares, _targets.Targets, _targets.SampleWeights(output, batch.Labels, shares.dtype));
        using Scalar weight = LambdaAt(step.Epoch).ToScalar();
        Tensor loss = crossEntropy.add(weight * penalty, One);
        foreach (AddedLoss added in _addedLosses) loss = added.AddTo(loss, output, batch, Context.Task);
        _targets.Observe(output, batch.Labels);
        double[] statistics = Context.Mean(cat(new[] { penalty.detach().reshape(1), shares.detach().mean(new long[] { 0 }) }));
        _epochMeans?.Add(statistics[..1], statistics[1..]);
        return new PenalisedStep(loss, output.Logits, crossEntropy, weight * penalty);
    }

    /// <summary>
    /// The differentiable shares [batch, modalities] of the <paramref name="activations"/> at the attribution layer (the
    /// embeddings, or each encoder's last-block features), as <see cref="PenalisedShares"/> defines them.
    /// </summary>
    public Tensor Shares(IReadOnlyList<Tensor> activations, Tensor labels) =>
        (_shares ?? throw new InvalidOperationException($"Method '{Name}' was used before Setup.")).Of(activations, labels, _targets.Targets);

    /// <inheritdoc />
    public override void Backward(StepOutput output, StepInfo step)
    {
        if (!_options.FusionOnly)
        {
            output.Loss.backward();
            return;
        }
        // Published scope: cross-entropy trains everything through the main optimizer; the penalty's gradient, taken
        // with respect to the fusion layers only, is applied after the main step by the separate optimizer.
        var own = (PenalisedStep)output;
        own.CrossEntropy.backward();
        if (!own.WeightedPenalty.requires_grad) return;
        IList<Tensor> gradients = torch.autograd.grad(new[] { own.WeightedPenalty }, _fusionParameters, allow_unused: true);
        own.PenaltyGradients = gradients.Select((g, i) => g is null || g.IsInvalid ? zeros_like(_fusionParameters[i]) : g.detach()).ToArray();
    }

    /// <inheritdoc />
    public override void AfterOptimizerStep(StepOutput output, StepInfo step)
    {
        if (_fusionOptimizer is null || ((PenalisedStep)output).PenaltyGradients is not { } penaltyGradients) return;
        void SetPenaltyGradients()
        {
            using var noGrad = no_grad();
            for (int i = 0; i < _fusionParameters.Length; i++)
            {
                if (_fusionParameters[i].grad is { } grad) grad.copy_(penaltyGradients[i]);
                else _fusionParameters[i].grad = penaltyGradients[i].clone();
            }
        }
        // As published, the penalty's step is not clipped.
        Context.Steps.StepWithGradients(this, _fusionOptimizer, _fusionParameters, step, SetPenaltyGradients, clip: false);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(EpochEnd epoch) => _targets.OnEpochEnd(epoch, Context.Model.ModalityNames);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics()
    {
        Dictionary<string, double> metrics = _epochMeans?.Metrics() ?? new Dictionary<string, double>();
        IReadOnlyList<string> names = Context.Model.ModalityNames;
        for (int m = 0; m < names.Count; m++) metrics[$"attr-reg.target.{names[m]}"] = _targets.Targets[m];
        _targets.AddMetrics(metrics);
        if (_teachers is not null) metrics["attr-reg.teacher-seconds"] = _teachers.Teachers.Seconds;
        return metrics;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        _targets.SaveState(state);
        _epochMeans?.SaveState(state);
        _teachers?.Teachers.Save(state);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        _targets.LoadState(state);
        _epochMeans?.LoadState(state);
        _teachers?.Teachers.Load(Context, state);
    }
}
