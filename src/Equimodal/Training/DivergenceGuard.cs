using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// Stops a run at the first NaN or infinite loss or gradient, before the optimizer step can spread it into the
/// weights, so the last checkpoint stays the last good state.
/// </summary>
public static class DivergenceGuard
{
    /// <summary>Throws <see cref="TrainingDivergedException"/> when <paramref name="loss"/> is not finite.</summary>
    public static void CheckLoss(double loss, TrainingMethod method, StepInfo step, TrainingOptions options)
    {
        if (!double.IsFinite(loss)) throw Diverged("loss", loss, method, step, options);
    }

    /// <summary>Throws <see cref="TrainingDivergedException"/> when any gradient of <paramref name="parameters"/> is not finite.</summary>
    public static void CheckGradients(IEnumerable<Parameter> parameters, TrainingMethod method, StepInfo step, TrainingOptions options)
    {
        using var scope = NewDisposeScope();
        Tensor[] norms = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.detach().norm()).ToArray();
        if (norms.Length == 0) return;
        double norm = stack(norms).norm().item<float>();
        if (!double.IsFinite(norm)) throw Diverged("gradient norm", norm, method, step, options);
    }

    private static TrainingDivergedException Diverged(string what, double value, TrainingMethod method, StepInfo step, TrainingOptions options) =>
        new(FormattableString.Invariant(
            $"Training diverged: the {what} became {value} in epoch {step.Epoch + 1}, step {step.Step + 1} (global step {step.GlobalStep + 1}) of method '{method.Name}'. The last good checkpoint is kept. Lower the learning rate (--lr, now {options.LearningRate}), set gradient clipping (--clip), or lower the method's loss weights (e.g. --method-option lambda=...)."));
}
