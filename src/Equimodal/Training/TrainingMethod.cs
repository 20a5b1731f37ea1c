using Equimodal.Data;
using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// A training strategy, in the style of a Lightning module: the trainer and its step runner own the loop, the
/// optimizers, clipping, validation and checkpoints; a method decides what the loss is and may adjust gradients. Per step, the
/// <see cref="StepRunner"/> clears the gradients, calls <see cref="ComputeLoss"/> and <see cref="Backward"/>, averages the
/// gradients over the ranks, fills missing ones (<see cref="FillsMissingGradients"/>), calls <see cref="AdjustGradients"/>,
/// checks, clips and steps; then the trainer calls <see cref="AfterOptimizerStep"/>. Per epoch: <see cref="OnEpochStart"/>
/// and <see cref="OnEpochEnd"/>. A method that steps an optimizer itself does it through <see cref="MethodContext.Steps"/>.
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

    /// <summary>
    /// Whether the step runner gives a zero gradient to every parameter a step left without one, before
    /// <see cref="AdjustGradients"/>. A method whose steps leave some parameters out of the graph (ReconBoost's learner
    /// stages, Greedy's re-balancing windows) would otherwise step them differently after a resume: clearing zeroes an
    /// existing gradient, which the optimizer still applies (momentum, weight decay), while a freshly loaded parameter
    /// has none, which the optimizer skips. With a gradient always present both runs agree. Default: false, so a
    /// parameter without a gradient is left alone (MLA's inactive encoders, as in PyTorch with set_to_none).
    /// </summary>
    public virtual bool FillsMissingGradients => false;

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
