using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Attribution regularization (Yerramilli et al., "Attribution Regularization for Multimodal Paradigms", 2024). Each step,
/// every modality's attribution at the fusion input is taken (Gradient x Input of the top class score with respect to its
/// embedding, A_i = (d max_c f_c(e) / d e_i) * e_i), pooled to a_i = ||A_i||_2, normalised to shares s_i = a_i / sum_j a_j,
/// and penalised by its distance to target ratios: R = sum_i |s_i - r_i / sum_j r_j|; the loss is CE + lambda * R.
/// In the published configuration ("attr-reg-published") R acts only on the fusion and classifier layers through a
/// separate optimizer. Every choice is an option so the variants can be compared; "attr-reg" carries the defaults that
/// the README's study supports best: the penalty on the whole network plus each modality's own cross-entropy (unimodal=1),
/// which makes the weak modality count where the share penalty alone only rescales embeddings.
/// </summary>
[Method("attr-reg", "Attribution regularization (Yerramilli et al. 2024), tuned defaults: pushes each modality's attribution share toward a target and trains each modality's own logits (unimodal=1).", MinModalities = 2, Presets = new[] { "unimodal=1" }, FormerDefaults = new[] { "unimodal=0" },
    Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
[Method("attr-reg-published", "Attribution regularization exactly as published: GxI, L2 pooling, L1 distance to uniform shares, fusion layers only via a separate optimizer.", MinModalities = 2, Presets = new[] { "scope=fusion" },
    Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class AttributionRegularization : TrainingMethod
{
    private static readonly string[] TargetChoices = { "top", "true" };
    private static readonly string[] PoolingChoices = { "l2", "l1", "net" };
    private static readonly string[] DistanceChoices = { "l1", "l2", "kl" };
    private static readonly string[] RatioChoices = { "uniform", "ratios", "adaptive", "per-sample", "inverse-variance" };
    private static readonly string[] QuantityChoices = { "logit", "log-prob", "drop" };
    private static readonly string[] BaselineChoices = { "mean", "zero" };
    private static readonly string[] SwitchChoices = { "off", "on" };
    private static readonly string[] ScopeChoices = { "fusion", "all" };
    private static readonly string[] PenaltyChoices = { "sample", "batch" };
    private static readonly string[] LayerChoices = { "fusion", "last-block" };

    private readonly string _attribution;
    private readonly int _integrationSteps;
    private readonly bool _trueClass;
    private readonly AttributionPooling _pooling;
    private readonly string _distance;
    private readonly string _ratios;
    private readonly double[]? _givenRatios;
    private readonly bool _fusionOnly;
    private readonly bool _batchPenalty;
    private readonly int _warmup;
    private readonly string _quantity;
    private readonly bool _meanBaseline;
    private readonly double _unimodalWeight;
    private readonly double _distillWeight;
    private readonly bool _diagnostics;
    private readonly AttributionLayer _layer;
    private readonly string _normalize;
    private readonly double _teacherWeight;
    private readonly UnimodalTeachers? _teachers;
    private IReadOnlyDictionary<string, double> _diagnosed = new Dictionary<string, double>();
    private EpochMeans? _unimodalErrors;
    private AttributionMethod? _attributor;
    private optim.Optimizer? _fusionOptimizer;
    private Parameter[] _fusionParameters = Array.Empty<Parameter>();
    private double[] _targets = Array.Empty<double>();
    private Tensor? _crossEntropy;
    private Tensor? _penalty;
    private Tensor[]? _penaltyGradients;
    private EpochMeans? _epochMeans;

    /// <summary>Creates "attr-reg" (tuned defaults) or "attr-reg-published" (its preset scope=fusion, the publication's configuration).</summary>
    public AttributionRegularization(MethodSettings settings)
    {
        // The publication gives no lambda; 1 worked best of those tried on the built-in benchmark (README).
        Lambda = settings.Number("lambda", 1.0, 0, 1e6, "weight of the attribution penalty");
        _warmup = settings.Integer("warmup", 0, 0, 10_000, "epochs of the linear ramp of lambda from 0");
        _attribution = settings.Choice("attribution", "gxi", AttributionRegistry.TrainableNames, "gradient x input or integrated gradients");
        _integrationSteps = settings.Integer("steps", 8, 1, 1024, "integration steps of attribution=ig");
        _trueClass = settings.Choice("target", "top", TargetChoices, "class attributed: the predicted or the true one") == "true";
        _pooling = settings.Choice("pooling", "l2", PoolingChoices, "pooling of a modality's attribution into one number: its L2 or L1 norm, or net: its signed sum clamped at 0 (evidence for the class, so a modality cannot meet its share by arguing against it)") switch
        {
            "l1" => AttributionPooling.L1,
            "net" => AttributionPooling.Net,
            _ => AttributionPooling.L2,
        };
        _distance = settings.Choice("distance", "l1", DistanceChoices, "distance between shares and targets");
        _ratios = settings.Choice("targets", "uniform", RatioChoices, "target shares: uniform, given ratios, or current validation accuracies");
        string ratioText = settings.Text("ratios", "", "target ratios for targets=ratios, e.g. 2,1");
        _fusionOnly = settings.Choice("scope", "all", ScopeChoices, "layers the penalty trains: all, or fusion only via a separate optimizer") == "fusion";
        _batchPenalty = settings.Choice("penalty", "sample", PenaltyChoices, "distance per sample or of the batch-mean shares") == "batch";
        _quantity = settings.Choice("quantity", "logit", QuantityChoices, "attributed quantity: the raw logit, the log-probability of the class, or the drop of the true-class log-probability when a modality is replaced");
        _meanBaseline = settings.Choice("baseline", "mean", BaselineChoices, "replacement of quantity=drop: the batch-mean embedding or zero") == "mean";
        _unimodalWeight = settings.Number("unimodal", 0.0, 0, 1e6, "weight of the added unimodal cross-entropies of each modality's own logits");
        _distillWeight = settings.Number("distill", 0.0, 0, 1e6, "weight of MBSD's self-distillation between the modalities' own logits (confidence-gap-weighted logit distance plus KL from the stronger modality to the weaker, per sample)");
        _diagnostics = settings.Choice("diagnostics", "off", SwitchChoices, "log per-epoch modality-use diagnostics (embedding and fusion-weight norms, shares, ablation drops, own accuracy)") == "on";
        _layer = settings.Choice("layer", "fusion", LayerChoices, "where attributions are taken: the fusion input, or each encoder's last block before pooling") == "last-block" ? AttributionLayer.LastBlock : AttributionLayer.Embedding;
        _normalize = settings.Choice("normalize", "none", ModelOptions.EmbeddingNorms.ToArray(), "normalisation of the embeddings the model fuses (kept at test time): none, l2, or layernorm without affine");
        _teacherWeight = settings.Number("teachers", 0.0, 0, 1e6, "weight of UMT's feature distillation toward unimodal teachers trained first (0: no teachers)");
        int teacherEpochs = UnimodalTeachers.EpochsOption(settings);
        if (_teacherWeight > 0) _teachers = new UnimodalTeachers("attr-reg.teachers.", teacherEpochs);
        else if (teacherEpochs != -1) throw new ArgumentException($"Method option teacher-epochs={teacherEpochs} needs teachers above 0 (e.g. teachers=1).");
        if (_ratios == "ratios") _givenRatios = ParseRatios(ratioText);
        else if (ratioText.Length > 0) throw new ArgumentException($"Method option ratios={ratioText} needs targets=ratios.");
    }

    /// <summary>Exact with per-sample penalties (a batch mean, like the loss); the batch-mean share penalty and the inverse-variance targets depend on the whole batch at once; teachers are trained by a nested single-process trainer.</summary>
    public override DataParallelSupport DataParallel =>
        _teachers is not null ? DataParallelSupport.Unsupported($"{Name} with teachers trains its teachers with a nested single-process trainer, which does not shard or average.")
        : _batchPenalty ? DataParallelSupport.Unsupported($"{Name} with penalty=batch penalises the batch-mean shares, which data-parallel training would take per rank; use penalty=sample.")
        : _ratios == "inverse-variance" ? DataParallelSupport.Unsupported($"{Name} with targets=inverse-variance estimates its targets from per-batch unimodal errors, which data-parallel training would take per rank.")
        : DataParallelSupport.Supported;

    /// <summary>Weight of the attribution penalty after the warm-up.</summary>
    public double Lambda { get; }

    /// <summary>Where the attributions are taken: <see cref="AttributionLayer.Embedding"/> (option layer=fusion) or <see cref="AttributionLayer.LastBlock"/>.</summary>
    public AttributionLayer Layer => _layer;

    /// <summary>The frozen unimodal teachers of option teachers (empty when it is 0 or before they are trained).</summary>
    public IReadOnlyList<MultimodalClassifier> Teachers => _teachers?.Models ?? Array.Empty<MultimodalClassifier>();

    /// <summary>Option normalize: the model fuses normalised embeddings (<see cref="ModelOptions.EmbeddingNorm"/>), in training and at test time.</summary>
    public override ModelOptions ConfigureModel(ModelOptions options) =>
        _normalize == "none" ? base.ConfigureModel(options) : base.ConfigureModel(options) with { EmbeddingNorm = _normalize };

    /// <summary>The current target share of each modality (normalised to sum 1).</summary>
    public IReadOnlyList<double> Targets => _targets;

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        if (_teachers is not null) UnimodalTeachers.CheckContext(context, Name);
        if (context.Task.Kind != TaskKind.Classification) RejectClassOnlyOptions(context.Task.Kind);
        base.Setup(context);
        _teachers?.Dispose();
        int modalities = context.ModalityIndices.Count;
        if (_givenRatios is not null && _givenRatios.Length != modalities)
            throw new ArgumentException($"Method option ratios has {_givenRatios.Length} values for {modalities} modalities ({string.Join(", ", context.Model.ModalityNames)}).");
        _targets = Normalise(_givenRatios ?? Enumerable.Repeat(1.0, modalities).ToArray());
        // Training means of the penalty and of each modality's attribution share.
        _epochMeans = new EpochMeans("attr-reg", context.Model.ModalityNames.Select(m => $"attr-reg.train-share.{m}").Prepend("attr-reg.penalty"));
        // Inverse-variance targets: each modality's mean squared error of its own predicted distribution over the epoch.
        _unimodalErrors = new EpochMeans("attr-reg.unimodal-error", context.Model.ModalityNames.Select(m => $"attr-reg.unimodal-error.{m}"));
        _attributor = AttributionRegistry.Get(_attribution).Create(context.Model);
        if (_fusionOnly)
        {
            _fusionParameters = context.Model.FusionParameters().ToArray();
            // The publication's separate optimizer: same kind and learning rate as the main one, fusion layers only, no weight decay.
            _fusionOptimizer = OptimizerFactory.Create(_fusionParameters, context.Options, weightDecay: 0);
        }
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch)
    {
        _teachers?.Train(Context);
        _epochMeans?.Reset();
        _unimodalErrors?.Reset();
    }

    /// <summary>The penalty weight in <paramref name="epoch"/>: a linear ramp from 0 over the warm-up epochs, then <see cref="Lambda"/>.</summary>
    public double LambdaAt(int epoch) => _warmup == 0 ? Lambda : Lambda * Math.Min(1.0, (double)epoch / _warmup);

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        MultimodalClassifier model = Context.Model;
        // Attributions at the last block need its activations, which the embeddings are pooled from in the same pass.
        Tensor[] activations = _layer == AttributionLayer.LastBlock ? model.EncodeFeatures(batch.Inputs) : model.Encode(batch.Inputs);
        Tensor[] embeddings = _layer == AttributionLayer.LastBlock ? activations.Select((f, m) => model.Embed(m, f)).ToArray() : activations;
        var output = new ModelOutput(model.Fuse(embeddings), embeddings, () => model.ModalityLogits(embeddings));
        Tensor crossEntropy = Context.Task.Loss(output.Logits, batch.Labels);
        // Fusion scope: the penalty sees the activations as constants, so its gradient reaches only the layers after them.
        Tensor shares = Shares(_fusionOnly ? activations.Select(a => a.detach()).ToArray() : activations, batch.Labels);
        Tensor penalty;
        if (_ratios == "per-sample")
        {
            Tensor informative = Informative(output.ModalityLogits, batch.Labels);
            penalty = Penalty(shares, _targets, _distance, _batchPenalty, informative.all(1).to_type(shares.dtype));
        }
        else penalty = Penalty(shares, _targets, _distance, _batchPenalty);
        using Scalar weight = LambdaAt(step.Epoch).ToScalar();
        Tensor loss = crossEntropy.add(weight * penalty, One);
        if (_unimodalWeight > 0)
            loss = loss.add(Held(_unimodalWeight) * stack(output.ModalityLogits.Select(z => Context.Task.Loss(z, batch.Labels)).ToArray()).mean(), One);
        if (_distillWeight > 0)
        {
            using Scalar distillWeight = _distillWeight.ToScalar();
            loss = loss.add(MbsdMethod.Distillation(output.ModalityLogits, batch.Labels).mul(distillWeight), One);
        }
        if (_teachers is not null) loss = loss.add(_teachers.Distillation(output.Embeddings, batch) * Held(_teacherWeight), One);
        if (_ratios == "inverse-variance") _unimodalErrors!.Add(UnimodalErrors(output.ModalityLogits, batch.Labels));
        _crossEntropy = crossEntropy;
        _penalty = weight * penalty;
        double[] statistics = Context.Mean(cat(new[] { penalty.detach().reshape(1), shares.detach().mean(new long[] { 0 }) }));
        _epochMeans?.Add(statistics[..1], statistics[1..]);
        return new StepOutput(loss, output.Logits);
    }

    /// <summary>
    /// The differentiable shares [batch, modalities] of the <paramref name="activations"/> at the layer option (the
    /// embeddings, or each encoder's last-block features), by the quantity option. logit: Gradient x Input (or IG) of the
    /// top or true logit, pooled. log-prob: the same of the log-softmax of that class, which ignores what a modality adds
    /// to every class alike. drop: each modality's outcome contribution max(0, log p_y(a) - log p_y(a with a_m replaced
    /// by its batch mean or zero)), y the label, over their sum.
    /// </summary>
    public Tensor Shares(IReadOnlyList<Tensor> activations, Tensor labels)
    {
        MultimodalClassifier model = Context.Model;
        LogitsFunction logits = AttributionMethod.LayerFunction(model, _layer);
        if (_quantity == "drop") return DropShares(logits, activations, labels, _meanBaseline);
        var options = new AttributionOptions { Differentiable = true, ComputeDelta = false, Steps = _integrationSteps, Layer = _layer };
        if (Context.Task.Kind != TaskKind.Classification) return TaskShares(Context.Task, logits, activations, labels, options);
        AttributionTarget target = _trueClass ? AttributionTarget.Classes(labels) : AttributionTarget.MaxLogit;
        AttributionResult result;
        if (_quantity == "log-prob")
        {
            using var evaluation = new EvaluationModeScope(model);
            result = _attributor!.Attribute(a => logits(a).log_softmax(1), activations, target, options);
        }
        else result = _attributor!.AttributeActivations(activations, target, options);
        return AttributionShares.Shares(result.PerModality, _pooling);
    }

    /// <summary>
    /// Shares of a multi-label or regression task: the attributed quantity is one number per sample, the task's
    /// <see cref="PredictionTask.AttributedValue"/> (option target=true: the true labels' logits summed) or
    /// <see cref="PredictionTask.PredictedValue"/> (target=top: the predicted labels' logits summed); for regression
    /// both are the predicted value summed over targets.
    /// </summary>
    private Tensor TaskShares(PredictionTask task, LogitsFunction logits, IReadOnlyList<Tensor> activations, Tensor labels, AttributionOptions options)
    {
        using var evaluation = new EvaluationModeScope(Context.Model);
        LogitsFunction explained = _trueClass
            ? a => task.AttributedValue(logits(a), labels).unsqueeze(1)
            : a => task.PredictedValue(logits(a)).unsqueeze(1);
        AttributionResult result = _attributor!.Attribute(explained, activations, AttributionTarget.Class(0), options);
        return AttributionShares.Shares(result.PerModality, _pooling);
    }

    /// <summary>Options whose definition needs class probabilities are refused for other tasks, naming the option.</summary>
    private void RejectClassOnlyOptions(TaskKind task)
    {
        string? refused = _quantity != "logit" ? $"quantity={_quantity} (a class's log-probability)"
            : _ratios is "per-sample" or "inverse-variance" or "adaptive" ? $"targets={_ratios} (class probabilities or accuracies)"
            : _distillWeight > 0 ? "distill (class probabilities)"
            : _diagnostics ? "diagnostics=on (accuracy and cross-entropy drops)"
            : null;
        if (refused is not null)
            throw new ArgumentException($"Method '{Name}' option {refused} is defined for classification only, not the {PredictionTask.NameOf(task)} task; leave it at its default.");
    }

    /// <summary>
    /// Outcome shares [batch, modalities]: modality m's contribution is the drop of the true-class log-probability when its
    /// embedding is replaced by the batch mean or by zeros, clamped at 0; the shares are the contributions over
    /// their sum (all zero when no modality helps).
    /// </summary>
    public static Tensor DropShares(LogitsFunction fuse, IReadOnlyList<Tensor> embeddings, Tensor labels, bool meanBaseline)
    {
        Tensor index = labels.to_type(ScalarType.Int64).unsqueeze(1);
        Tensor full = fuse(embeddings).log_softmax(1).gather(1, index).squeeze(1);
        Tensor[] drops = new Tensor[embeddings.Count];
        for (int m = 0; m < embeddings.Count; m++)
        {
            Tensor baseline = meanBaseline ? embeddings[m].mean(new long[] { 0 }, keepdim: true).expand_as(embeddings[m]) : zeros_like(embeddings[m]);
            Tensor[] replaced = embeddings.Select((e, j) => j == m ? baseline : e).ToArray();
            drops[m] = (full - fuse(replaced).log_softmax(1).gather(1, index).squeeze(1)).clamp_min(Held(0));
        }
        Tensor contributions = stack(drops, 1);
        return contributions / contributions.sum(1, keepdim: true).clamp_min(Held(1e-12));
    }

    /// <summary>
    /// Per-sample informativeness [batch, modalities] (bool): the modality's own logits give the label a probability above
    /// chance (1 / classes). Per-sample targets push only samples on which every modality is informative.
    /// </summary>
    public static Tensor Informative(IReadOnlyList<Tensor> modalityLogits, Tensor labels)
    {
        using var noGrad = no_grad();
        Tensor index = labels.to_type(ScalarType.Int64).unsqueeze(1);
        return stack(modalityLogits.Select(z => z.detach().softmax(1).gather(1, index).squeeze(1) > Held(1.0 / z.shape[1])).ToArray(), 1);
    }

    /// <summary>Each modality's mean squared error of its own predicted distribution against the one-hot label (Brier score).</summary>
    public static double[] UnimodalErrors(IReadOnlyList<Tensor> modalityLogits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return modalityLogits.Select(z =>
        {
            Tensor oneHot = nn.functional.one_hot(labels.to_type(ScalarType.Int64), z.shape[1]).to_type(z.dtype);
            return (double)(z.detach().softmax(1) - oneHot).pow(Held(2)).sum(1).mean().item<float>();
        }).ToArray();
    }

    /// <summary>Inverse-variance targets: r_m proportional to 1 / error_m (errors floored at 1e-6), normalised.</summary>
    public static double[] InverseVarianceTargets(IReadOnlyList<double> errors) => Normalise(errors.Select(e => 1.0 / Math.Max(e, 1e-6)).ToArray());

    /// <summary>
    /// The penalty between shares [batch, modalities] and target ratios (normalised): per-sample distances averaged over the
    /// batch, or the distance of the batch-mean shares. l1: sum |s - r|; l2: sum (s - r)^2; kl: KL(r || s) = sum r log(r / s).
    /// </summary>
    public static Tensor Penalty(Tensor shares, IReadOnlyList<double> targets, string distance, bool batchMean) =>
        Penalty(shares, targets, distance, batchMean, null);

    /// <summary>
    /// The penalty with a weight per sample [batch] (e.g. 1 for samples to push, 0 for the others): a weighted mean of the
    /// per-sample distances, or the distance of the weighted mean shares; 0 when every weight is 0.
    /// </summary>
    public static Tensor Penalty(Tensor shares, IReadOnlyList<double> targets, string distance, bool batchMean, Tensor? sampleWeights)
    {
        Tensor? w = sampleWeights?.to_type(shares.dtype);
        Tensor? total = w?.sum().clamp_min(Held(1e-12));
        Tensor s = !batchMean ? shares
            : w is null ? shares.mean(new long[] { 0 }, keepdim: true)
            : (shares * w.unsqueeze(1)).sum(0, keepdim: true) / total!;
        Tensor r = tensor(targets.Select(t => (float)t).ToArray(), dtype: s.dtype, device: s.device).unsqueeze(0);
        Tensor perRow = distance switch
        {
            "l1" => (s - r).abs().sum(1),
            "l2" => (s - r).pow(Held(2)).sum(1),
            "kl" => (r * (r.clamp_min(Held(1e-12)).log() - s.clamp_min(Held(1e-12)).log())).sum(1),
            _ => throw new ArgumentException($"Unknown distance '{distance}'. Valid distances: {string.Join(", ", DistanceChoices)}."),
        };
        if (w is null) return perRow.mean();
        return batchMean ? perRow.sum() * (w.sum() > Held(0)).to_type(perRow.dtype) : (perRow * w).sum() / total!;
    }

    /// <inheritdoc />
    public override void Backward(StepOutput output, StepInfo step)
    {
        if (!_fusionOnly)
        {
            output.Loss.backward();
            return;
        }
        // Published scope: cross-entropy trains everything through the main optimizer; the penalty's gradient, taken
        // with respect to the fusion layers only, is applied after the main step by the separate optimizer.
        _crossEntropy!.backward();
        if (!_penalty!.requires_grad)
        {
            _penaltyGradients = null;
            return;
        }
        IList<Tensor> gradients = torch.autograd.grad(new[] { _penalty }, _fusionParameters, allow_unused: true);
        _penaltyGradients = gradients.Select((g, i) => g is null || g.IsInvalid ? zeros_like(_fusionParameters[i]) : g.detach()).ToArray();
    }

    /// <inheritdoc />
    public override void AfterOptimizerStep(StepOutput output, StepInfo step)
    {
        if (_fusionOptimizer is null || _penaltyGradients is null) return;
        void SetPenaltyGradients()
        {
            using var noGrad = no_grad();
            for (int i = 0; i < _fusionParameters.Length; i++)
            {
                if (_fusionParameters[i].grad is { } grad) grad.copy_(_penaltyGradients[i]);
                else _fusionParameters[i].grad = _penaltyGradients[i].clone();
            }
        }
        // As published, the penalty's step is not clipped.
        Context.Steps.Step(this, _fusionOptimizer, _fusionParameters, loss: null, step, SetPenaltyGradients, clip: false);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(EpochEnd epoch)
    {
        if (_diagnostics)
            _diagnosed = ModalityUse.Measure(Context.Model, Context.Splits.Validation, Context.ModalityIndices, Context.Options.BatchSize, Context.Device);
        if (_ratios == "inverse-variance" && _unimodalErrors!.Steps > 0)
        {
            // Asymmetric Representation Learning (arXiv 2507.10203): dependence in inverse proportion to each modality's
            // prediction variance, here the epoch's mean squared error of its own predictions.
            Dictionary<string, double> errors = _unimodalErrors.Metrics();
            _targets = InverseVarianceTargets(_unimodalErrors.Names.Select(n => errors[n]).ToArray());
        }
        if (_ratios != "adaptive") return;
        // Adaptive targets: each modality is asked to contribute in proportion to what its own logits can do.
        double[] accuracy = Context.Model.ModalityNames.Select(m => epoch.Validation.ModalityAccuracy.TryGetValue(m, out double a) ? a : 0).ToArray();
        if (accuracy.Sum() > 0) _targets = Normalise(accuracy);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics()
    {
        Dictionary<string, double> metrics = _epochMeans?.Metrics() ?? new Dictionary<string, double>();
        IReadOnlyList<string> names = Context.Model.ModalityNames;
        for (int m = 0; m < names.Count; m++) metrics[$"attr-reg.target.{names[m]}"] = _targets[m];
        if (_ratios == "inverse-variance")
        {
            foreach (var (name, value) in _unimodalErrors!.Metrics()) metrics[name] = value;
        }
        foreach (var (name, value) in _diagnosed) metrics[$"attr-reg.use.{name}"] = value;
        if (_teachers is not null) metrics["attr-reg.teacher-seconds"] = _teachers.Seconds;
        return metrics;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        state["attr-reg.targets"] = tensor(_targets, ScalarType.Float64);
        _epochMeans?.SaveState(state);
        _unimodalErrors?.SaveState(state);
        _teachers?.Save(state);
        if (_fusionOptimizer is null) return;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)_fusionOptimizer).save_state_dict(writer);
        state["attr-reg.fusion-optimizer"] = tensor(stream.ToArray(), ScalarType.Byte);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue("attr-reg.targets", out Tensor? targets)) _targets = targets.data<double>().ToArray();
        _epochMeans?.LoadState(state);
        _unimodalErrors?.LoadState(state);
        _teachers?.Load(Context, state);
        if (_fusionOptimizer is null || !state.TryGetValue("attr-reg.fusion-optimizer", out Tensor? blob)) return;
        using var reader = new BinaryReader(new MemoryStream(blob.data<byte>().ToArray()));
        ((OptimizerHelper)_fusionOptimizer).load_state_dict(reader);
    }

    private static double[] ParseRatios(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
                throw new ArgumentException($"Method option ratios={text} is invalid: expected non-negative numbers separated by commas, one per modality (e.g. ratios=2,1).");
        }
        if (values.Length == 0 || values.Sum() <= 0) throw new ArgumentException($"Method option ratios={text} is invalid: targets=ratios needs ratios with a positive sum (e.g. ratios=2,1).");
        return values;
    }

    private static double[] Normalise(double[] values)
    {
        double sum = values.Sum();
        return values.Select(v => v / sum).ToArray();
    }
}
