using TorchSharp;

namespace Equimodal.Experiments;

/// <summary>One planned training of a comparison.</summary>
/// <param name="Method">Row name: the method, or a variant's name (its method is <c>Config.Method</c>).</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Config">The run's full configuration.</param>
/// <param name="Folder">The run folder (DIR/runs/{method}-seed{seed}).</param>
public sealed record ComparisonRun(string Method, int Seed, RunConfig Config, string Folder);
