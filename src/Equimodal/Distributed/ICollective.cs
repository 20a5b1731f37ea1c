namespace Equimodal.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over every process of a job (MPI's vocabulary: a process is a
/// rank, the job has <see cref="World"/> of them). <see cref="SingleProcess"/> is the default: one rank, every operation
/// leaves the data as it is, so code written against the interface runs unchanged without MPI.
/// </summary>
public interface ICollective
{
    /// <summary>This process's rank, 0 to <see cref="World"/> - 1; rank 0 writes files and reports.</summary>
    int Rank { get; }

    /// <summary>Number of processes in the job.</summary>
    int World { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Copies <paramref name="bytes"/> of rank <paramref name="root"/> into every rank's buffer (same length everywhere).</summary>
    void Broadcast(Span<byte> bytes, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>Ends every process of the job with <paramref name="exitCode"/>; does not return.</summary>
    void Abort(int exitCode);
}
