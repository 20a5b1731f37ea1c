using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Gives a zero gradient to every parameter a step left without one. A method whose steps leave some parameters out of
/// the graph (ReconBoost's learner stages, Greedy's re-balancing windows) would otherwise step them differently after a
/// resume: zero_grad zeroes an existing gradient, which the optimizer still applies (momentum, weight decay), while a
/// freshly loaded parameter has none, which the optimizer skips. With a gradient always present both runs agree.
/// </summary>
public static class MissingGradients
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
