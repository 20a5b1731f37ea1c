using Equimodal.Distributed.Mpi;

namespace Equimodal.Distributed;

/// <summary>Chooses the collective of a process: MPI under mpirun (OMPI_COMM_WORLD_SIZE set) or when asked for, otherwise a single process.</summary>
public static class CollectiveLauncher
{
    /// <summary>Values of the --distributed option.</summary>
    public static readonly string[] Modes = { "auto", "none", "mpi" };

    /// <summary>True when this process was started by OpenMPI's mpirun with more than one rank.</summary>
    public static bool UnderMpirun => int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"), out int size) && size > 1;

    /// <summary>
    /// The collective for <paramref name="mode"/>: "mpi" always MPI, "none" a single process, "auto" MPI under mpirun.
    /// The caller disposes it after the last operation (MPI_Finalize).
    /// </summary>
    public static ICollective Open(string mode) => mode switch
    {
        "mpi" => new MpiCollective(),
        "none" => SingleProcess.Instance,
        "auto" => UnderMpirun ? new MpiCollective() : SingleProcess.Instance,
        _ => throw new ArgumentException($"Unknown --distributed mode '{mode}'. Valid modes: {string.Join(", ", Modes)}."),
    };
}
