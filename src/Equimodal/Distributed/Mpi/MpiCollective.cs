namespace Equimodal.Distributed.Mpi;

/// <summary>
/// The collective over OpenMPI's MPI_COMM_WORLD (one process per rank, launched by mpirun or Slurm's srun). Buffers
/// longer than int.MaxValue elements are sent in pieces.
/// </summary>
public sealed class MpiCollective : ICollective, IDisposable
{
    private const int Chunk = 1 << 30;
    private readonly MpiNative _mpi;
    private bool _finalized;

    /// <summary>Loads libmpi.so.40 and calls MPI_Init (a missing library names the package to install).</summary>
    public MpiCollective()
    {
        _mpi = MpiNative.Load();
        _mpi.Init();
        Rank = _mpi.Rank();
        World = _mpi.Size();
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int World { get; }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        for (int start = 0; start < values.Length; start += Chunk) _mpi.AllReduceSum(values[start..Math.Min(values.Length, start + Chunk)]);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        for (int start = 0; start < values.Length; start += Chunk) _mpi.AllReduceSum(values[start..Math.Min(values.Length, start + Chunk)]);
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
        for (int start = 0; start < bytes.Length; start += Chunk) _mpi.Broadcast(bytes[start..Math.Min(bytes.Length, start + Chunk)], root);
    }

    /// <inheritdoc />
    public void Barrier() => _mpi.Barrier();

    /// <inheritdoc />
    public void Abort(int exitCode) => _mpi.Abort(exitCode);

    /// <summary>MPI_Finalize (once); call after the last collective operation.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        _mpi.FinalizeMpi();
    }
}
