using Equimodal.Distributed;

namespace Equimodal.Tests.Distributed;

/// <summary>Rank 0 of a two-process job whose other rank contributes the given values to every sum (no MPI needed).</summary>
public sealed class SimulatedRanks : ICollective
{
    private readonly double[] _other;

    /// <summary>The other rank's values, added element-wise to every all-reduce.</summary>
    public SimulatedRanks(params double[] other) => _other = other;

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int World => 2;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] += (float)_other[i];
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] += _other[i];
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
    }

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void Abort(int exitCode) => throw new InvalidOperationException($"aborted with {exitCode}");
}
