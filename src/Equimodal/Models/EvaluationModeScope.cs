using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Puts a module in evaluation mode and restores every submodule's own training flag on dispose. Attribution runs
/// batches of interpolated or ablated inputs: in training mode BatchNorm would normalise them together (rows would
/// interact) and fold them into its running statistics, and dropout would make the attributions random.
/// </summary>
public sealed class EvaluationModeScope : IDisposable
{
    private readonly (nn.Module Module, bool Training)[] _saved;

    /// <summary>Switches <paramref name="module"/> and all its submodules to evaluation mode.</summary>
    public EvaluationModeScope(nn.Module module)
    {
        // modules() lists parents before children, so restoring in this order lets each child's own flag win.
        _saved = new[] { module }.Concat(module.modules()).Select(m => (m, m.training)).ToArray();
        module.eval();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (module, training) in _saved) module.train(training);
    }
}
