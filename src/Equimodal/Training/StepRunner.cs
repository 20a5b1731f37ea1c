using Equimodal.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// The one owner of an optimisation step, used by the trainer and by every method that steps an optimizer itself (MLA's
/// alternating unimodal steps, attr-reg-published's fusion optimizer). A step is, in this order: clear the gradients,
/// compute the loss, check it, back-propagate, average the gradients over the ranks of a data-parallel job (nothing with
/// one process), give a zero gradient to parameters left without one (when the method asks,
/// <see cref="TrainingMethod.FillsMissingGradients"/>), the method's gradient adjustment, check the gradients, clip,
/// step. Because every step passes here, no step sees a stale gradient and data-parallel training averages every
/// gradient exactly once, before any method looks at it. Optimizers a method steps besides the trainer's are registered
/// here (<see cref="Register"/>), and checkpoints save and restore them with the trainer's.
/// </summary>
public sealed class StepRunner
{
    private readonly TrainingOptions _options;
    private readonly Dictionary<string, optim.Optimizer> _optimizers = new(StringComparer.Ordinal);

    /// <summary>Creates the runner of a run with <paramref name="options"/> over <paramref name="collective"/> (default: one process).</summary>
    public StepRunner(TrainingOptions options, ICollective? collective = null)
    {
        _options = options;
        Collective = collective ?? SingleProcess.Instance;
    }

    /// <summary>The processes whose gradients are averaged.</summary>
    public ICollective Collective { get; }

    /// <summary>The optimizers registered besides the trainer's, by name; a checkpoint holds the state of each.</summary>
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers => _optimizers;

    /// <summary>
    /// Registers <paramref name="optimizer"/>, which a method steps besides the trainer's, under <paramref name="name"/>
    /// (e.g. "attr-reg.fusion-optimizer"), so checkpoints save and restore its state; returns it. A method set up again
    /// registers its new optimizer under the same name, which replaces the old one.
    /// </summary>
    public optim.Optimizer Register(string name, optim.Optimizer optimizer)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An optimizer is registered under a non-empty name.", nameof(name));
        _optimizers[name] = optimizer;
        return optimizer;
    }

    /// <summary>
    /// One step of <paramref name="optimizer"/> over <paramref name="parameters"/>: clears their gradients, computes
    /// <paramref name="loss"/> and checks it, back-propagates it with <paramref name="backward"/> (default: loss.backward()),
    /// averages the gradients over the ranks, fills missing gradients when <paramref name="method"/> asks, runs
    /// <paramref name="adjust"/>, checks the gradients, clips them (unless <paramref name="clip"/> is false) and steps.
    /// </summary>
    public StepResult Step(TrainingMethod method, optim.Optimizer optimizer, IEnumerable<Parameter> parameters, StepInfo step,
        Func<StepOutput> loss, Action<StepOutput>? backward = null, Action? adjust = null, bool clip = true)
    {
        Parameter[] stepped = parameters.ToArray();
        optimizer.zero_grad();
        StepOutput output = loss();
        double value = output.Loss.item<float>();
        DivergenceGuard.CheckLoss(value, method, step, _options);
        if (backward is null) output.Loss.backward();
        else backward(output);
        Update(method, optimizer, stepped, step, adjust, clip);
        return new StepResult(output, value);
    }

    /// <summary>
    /// A step whose gradients are set by <paramref name="setGradients"/> instead of back-propagated from a loss (e.g. a
    /// penalty's gradient taken earlier): clears the gradients, sets them, then averages, fills, checks, clips and steps
    /// as <see cref="Step"/> does.
    /// </summary>
    public void StepWithGradients(TrainingMethod method, optim.Optimizer optimizer, IEnumerable<Parameter> parameters, StepInfo step,
        Action setGradients, bool clip = true)
    {
        Parameter[] stepped = parameters.ToArray();
        optimizer.zero_grad();
        setGradients();
        Update(method, optimizer, stepped, step, adjust: null, clip);
    }

    /// <summary>
    /// The gradient of <paramref name="loss"/> with respect to <paramref name="parameter"/>, measured without a step (e.g.
    /// for a Hessian-vector product): the gradients of <paramref name="optimizer"/>'s parameters are cleared before and
    /// after, so the measurement leaves nothing behind for the next step.
    /// </summary>
    public static Tensor MeasureGradient(optim.Optimizer optimizer, Parameter parameter, Func<Tensor> loss)
    {
        optimizer.zero_grad();
        try
        {
            loss().backward();
            return parameter.grad!.detach().clone();
        }
        finally
        {
            optimizer.zero_grad();
        }
    }

    private void Update(TrainingMethod method, optim.Optimizer optimizer, Parameter[] stepped, StepInfo step, Action? adjust, bool clip)
    {
        Collective.AverageGradients(stepped);
        if (method.FillsMissingGradients) MissingGradients.ZeroFill(stepped);
        adjust?.Invoke();
        DivergenceGuard.CheckGradients(stepped, method, step, _options);
        if (clip && _options.GradientClip > 0) nn.utils.clip_grad_norm_(stepped, _options.GradientClip);
        optimizer.step();
    }
}
