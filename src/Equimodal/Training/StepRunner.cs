using Equimodal.Distributed;
using Equimodal.Methods;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// The one owner of an optimisation step, used by the trainer and by every method that steps an optimizer itself (MLA's
/// alternating unimodal steps, attr-reg-published's fusion optimizer): divergence check of the loss, backward, the
/// gradient average over the ranks of a data-parallel job (nothing with one process), the method's gradient adjustment,
/// divergence check of the gradients, clipping, optimizer step. Because every step passes here, data-parallel training
/// averages every gradient exactly once, before any method looks at it.
/// </summary>
public sealed class StepRunner
{
    private readonly TrainingOptions _options;

    /// <summary>Creates the runner of a run with <paramref name="options"/> over <paramref name="collective"/> (default: one process).</summary>
    public StepRunner(TrainingOptions options, ICollective? collective = null)
    {
        _options = options;
        Collective = collective ?? SingleProcess.Instance;
    }

    /// <summary>The processes whose gradients are averaged.</summary>
    public ICollective Collective { get; }

    /// <summary>
    /// One step of <paramref name="optimizer"/> over <paramref name="parameters"/>: checks <paramref name="loss"/> (when given)
    /// and returns its value (NaN when not given), runs <paramref name="backward"/>, averages the gradients over the ranks,
    /// runs <paramref name="adjust"/>, checks the gradients, clips them (unless <paramref name="clip"/> is false) and steps.
    /// </summary>
    public double Step(TrainingMethod method, optim.Optimizer optimizer, IEnumerable<Parameter> parameters, Tensor? loss, StepInfo step,
        Action backward, Action? adjust = null, bool clip = true)
    {
        Parameter[] stepped = parameters.ToArray();
        double value = double.NaN;
        if (loss is not null)
        {
            value = loss.item<float>();
            DivergenceGuard.CheckLoss(value, method, step, _options);
        }
        backward();
        Collective.AverageGradients(stepped);
        adjust?.Invoke();
        DivergenceGuard.CheckGradients(stepped, method, step, _options);
        if (clip && _options.GradientClip > 0) nn.utils.clip_grad_norm_(stepped, _options.GradientClip);
        optimizer.step();
        return value;
    }
}
