namespace Equimodal.Distributed;

/// <summary>The one-process collective: rank 0 of a world of 1, every operation a no-op.</summary>
public sealed class SingleProcess : ICollective
{
    /// <summary>The instance (the collective has no state).</summary>
    public static SingleProcess Instance { get; } = new();

    private SingleProcess()
    {
    }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int World => 1;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), $"A single process has only rank 0, not {root}.");
    }

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void Abort(int exitCode) => Environment.Exit(exitCode);
}
