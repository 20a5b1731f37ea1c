namespace Equimodal.Training;

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
