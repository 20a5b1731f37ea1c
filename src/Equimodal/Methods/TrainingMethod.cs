using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>What a method can see when it is set up: the model it trains, its optimizer and the data.</summary>
/// <param name="Model">The model being trained.</param>
/// <param name="Optimizer">The trainer's optimizer over all parameters.</param>
/// <param name="Splits">Train, validation and test data (a method may read only train and validation).</param>
/// <param name="ModalityIndices">Dataset inputs the model reads, in model order.</param>
/// <param name="Options">Optimisation settings.</param>
/// <param name="Device">Compute device.</param>
/// <param name="ModelOptions">Architecture of <paramref name="Model"/>, for methods that build more models of the same kind (e.g. teachers).</param>
public sealed record MethodContext(
    MultimodalClassifier Model,
    optim.Optimizer Optimizer,
    DatasetSplits Splits,
    IReadOnlyList<int> ModalityIndices,
    TrainingOptions Options,
    Device Device,
    ModelOptions? ModelOptions = null)
{
    private StepRunner? _steps;

    /// <summary>Tells the user about a setting that makes the method do less than its name promises (the CLI prints it).</summary>
    public Action<string> Warn { get; init; } = _ => { };

    /// <summary>Reports progress of a long phase of the method's own, such as training teachers (the CLI prints it).</summary>
    public Action<string> Inform { get; init; } = _ => { };

    /// <summary>The processes training together (one by default); see <see cref="Mean"/> and <see cref="Sum"/> for statistics.</summary>
    public ICollective Collective { get; init; } = SingleProcess.Instance;

    /// <summary>The step runner a method uses for every optimizer step it takes itself (by default one over <see cref="Collective"/>).</summary>
    public StepRunner Steps
    {
        get => _steps ??= new StepRunner(Options, Collective);
        init => _steps = value;
    }

    /// <summary>
    /// The place where a batch statistic becomes numbers: the elements of <paramref name="statistics"/> (e.g. per-modality
    /// batch means) averaged over the ranks, so every rank gets the statistic of the whole global batch (ranks hold equal
    /// batch sizes). With one process, the values themselves.
    /// </summary>
    public double[] Mean(Tensor statistics) => Collective.Mean(ToDoubles(statistics));

    /// <summary>Like <see cref="Mean"/> for statistics that are sums over the batch: summed over the ranks.</summary>
    public double[] Sum(Tensor statistics) => Collective.Sum(ToDoubles(statistics));

    private static double[] ToDoubles(Tensor statistics)
    {
        using var scope = NewDisposeScope();
        Tensor values = statistics.detach().flatten().cpu();
        return values.dtype == ScalarType.Float64 ? values.data<double>().ToArray() : values.to_type(ScalarType.Float32).data<float>().Select(v => (double)v).ToArray();
    }
}

/// <summary>Whether a method trains the same model data-parallel (N ranks at batch B) as in one process at batch N x B.</summary>
/// <param name="Exact">True when the result is the same up to float rounding (without BatchNorm, whose batch statistics stay per rank).</param>
/// <param name="Reason">Why not, for the error under MPI; empty when exact.</param>
public sealed record DataParallelSupport(bool Exact, string Reason)
{
    /// <summary>Same result as one process with the world-times larger batch.</summary>
    public static DataParallelSupport Supported { get; } = new(true, "");

    /// <summary>Refuses data-parallel training, saying why.</summary>
    public static DataParallelSupport Unsupported(string reason) => new(false, reason);
}

/// <summary>Position of one optimisation step.</summary>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Step">Zero-based step within the epoch.</param>
/// <param name="GlobalStep">Zero-based step since the start of training.</param>
/// <param name="StepsPerEpoch">Steps in one epoch.</param>
public sealed record StepInfo(int Epoch, int Step, long GlobalStep, int StepsPerEpoch);

/// <summary>What a method's loss computation returns: the loss to minimise and the fused logits (for train accuracy).</summary>
/// <param name="Loss">Scalar loss.</param>
/// <param name="Logits">Fused logits of the batch.</param>
public sealed record StepOutput(Tensor Loss, Tensor Logits);

/// <summary>End-of-epoch information handed to a method.</summary>
/// <param name="Epoch">Zero-based epoch that ended.</param>
/// <param name="Validation">Metrics of the current model on the validation split.</param>
public sealed record EpochEnd(int Epoch, EvaluationResult Validation);

/// <summary>
/// A training strategy, in the style of a Lightning module: the trainer owns the loop, the optimizer, clipping,
/// validation and checkpoints; a method decides what the loss is and may adjust gradients. The trainer calls, per step:
/// zero_grad, <see cref="ComputeLoss"/>, <see cref="Backward"/>, the gradient average over ranks,
/// <see cref="AdjustGradients"/>, clipping, optimizer.step (these through <see cref="StepRunner"/>), <see cref="AfterOptimizerStep"/>; and per epoch <see cref="OnEpochStart"/> and <see cref="OnEpochEnd"/>.
/// </summary>
public abstract class TrainingMethod
{
    private MethodContext? _context;

    /// <summary>Registered name, e.g. "joint" (given by the registry).</summary>
    public virtual string Name => Registration?.Name ?? throw new InvalidOperationException($"{GetType().Name} was created outside the method registry.");

    /// <summary>The registration this method was created from (name, presets, requirements); null for "NAME-only".</summary>
    public MethodAttribute? Registration { get; internal set; }

    /// <summary>Set-up information; available from <see cref="Setup"/> on.</summary>
    protected MethodContext Context => _context ?? throw new InvalidOperationException($"Method '{Name}' was used before Setup.");

    /// <summary>
    /// Whether the method gives the same result trained data-parallel (N ranks at batch B, gradients averaged by the step
    /// runner, statistics reduced through <see cref="MethodContext.Mean"/>) as in one process at batch N x B. The trainer
    /// refuses to run an unsupported method on more than one rank. Default: unsupported, so a new method must check its
    /// batch statistics and own steps and then say so, rather than silently train with per-rank statistics.
    /// </summary>
    public virtual DataParallelSupport DataParallel => DataParallelSupport.Unsupported(
        $"Method '{Name}' has not declared that data-parallel training gives the same result as one process (TrainingMethod.DataParallel).");

    /// <summary>Which dataset modalities the model reads (default: all).</summary>
    public virtual IReadOnlyList<int> SelectModalities(IReadOnlyList<ModalitySpec> modalities) => Enumerable.Range(0, modalities.Count).ToArray();

    /// <summary>
    /// The architecture the method trains, given the user's choice; called by the trainer before it builds the model.
    /// Default: the fusion head the registration names (<see cref="MethodAttribute.Fusion"/>, e.g. MLA's shared head),
    /// else unchanged.
    /// </summary>
    public virtual ModelOptions ConfigureModel(ModelOptions options) => Registration?.Fusion is { } fusion ? options with { Fusion = fusion } : options;

    /// <summary>Called once before training; override to create method state (call the base).</summary>
    public virtual void Setup(MethodContext context) => _context = context;

    /// <summary>
    /// The samples the trainer draws training batches from; called once, after <see cref="Setup"/>. Default: the whole
    /// training split. A method may hold part of it out (never validation or test data) to estimate something on its own.
    /// </summary>
    public virtual IMultimodalDataset TrainingSet(DatasetSplits splits) => splits.Train;

    /// <summary>Called at the start of every epoch, model in train mode.</summary>
    public virtual void OnEpochStart(int epoch)
    {
    }

    /// <summary>Forward pass and loss of one batch. Default: cross-entropy of the fused logits.</summary>
    public virtual StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ModelOutput output = Context.Model.Forward(batch.Inputs);
        return new StepOutput(nn.functional.cross_entropy(output.Logits, batch.Labels), output.Logits);
    }

    /// <summary>Back-propagates the loss. Default: loss.backward().</summary>
    public virtual void Backward(StepOutput output, StepInfo step) => output.Loss.backward();

    /// <summary>Changes gradients before clipping and the optimizer step (gradient modulation lives here).</summary>
    public virtual void AdjustGradients(StepInfo step)
    {
    }

    /// <summary>Called after the optimizer step (e.g. for a second optimizer).</summary>
    public virtual void AfterOptimizerStep(StepOutput output, StepInfo step)
    {
    }

    /// <summary>Called after validation at the end of every epoch.</summary>
    public virtual void OnEpochEnd(EpochEnd epoch)
    {
    }

    /// <summary>
    /// Adds the method's own state (running averages, a second model's weights, ...) to a checkpoint, as named tensors.
    /// Default: nothing. Randomness should come from torch's generator (saved by the trainer) or be derived from the
    /// seed and step, because a System.Random cannot be saved.
    /// </summary>
    public virtual void SaveState(IDictionary<string, Tensor> state)
    {
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote; called after <see cref="Setup"/> when a run resumes. Default: nothing.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
    }

    /// <summary>Scalars the method logs for the epoch that just ended (e.g. a modulation coefficient), merged into metrics.jsonl.</summary>
    public virtual IReadOnlyDictionary<string, double> EpochMetrics() => new Dictionary<string, double>();
}
