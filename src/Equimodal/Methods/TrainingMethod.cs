using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Methods;

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

    /// <summary>Forward pass and loss of one batch. Default: the task's loss of the fused outputs (cross-entropy for classification).</summary>
    public virtual StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ModelOutput output = Context.Model.Forward(batch.Inputs);
        return new StepOutput(Context.Task.Loss(output.Logits, batch.Labels), output.Logits);
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
