using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>The step runner's zero gradient for parameters a step left without one (see <see cref="TrainingMethod.FillsMissingGradients"/>).</summary>
internal static class MissingGradients
{
    /// <summary>Sets a zero gradient on each of <paramref name="parameters"/> that has none.</summary>
    public static void ZeroFill(IEnumerable<Parameter> parameters)
    {
        foreach (Parameter p in parameters)
        {
            if (p.grad is null) p.grad = zeros_like(p).DetachFromDisposeScope();
        }
    }
}
