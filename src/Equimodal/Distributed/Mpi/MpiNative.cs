using System.Runtime.InteropServices;

namespace Equimodal.Distributed.Mpi;

/// <summary>
/// The few OpenMPI functions data-parallel training uses, bound at run time to libmpi.so.40 (Debian's openmpi-bin), so
/// the library has no link-time MPI dependency. OpenMPI's handles (communicator, datatypes, operation) are exported
/// data symbols: their address is the handle.
/// </summary>
internal sealed unsafe class MpiNative
{
    /// <summary>The shared library Debian's OpenMPI 4 installs.</summary>
    public const string LibraryName = "libmpi.so.40";

    private static readonly IntPtr InPlace = 1;

    private readonly delegate* unmanaged<IntPtr, IntPtr, int> _init;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commRank;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commSize;
    private readonly delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> _bcast;
    private readonly delegate* unmanaged<IntPtr, int> _barrier;
    private readonly delegate* unmanaged<IntPtr, int, int> _abort;
    private readonly IntPtr _world;
    private readonly IntPtr _float;
    private readonly IntPtr _double;
    private readonly IntPtr _byte;
    private readonly IntPtr _sum;

    private MpiNative(IntPtr library)
    {
        _init = (delegate* unmanaged<IntPtr, IntPtr, int>)NativeLibrary.GetExport(library, "MPI_Init");
        _initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "MPI_Initialized");
        _finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "MPI_Finalize");
        _commRank = (delegate* unmanaged<IntPtr, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<IntPtr, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_size");
        _allreduce = (delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int>)NativeLibrary.GetExport(library, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)NativeLibrary.GetExport(library, "MPI_Bcast");
        _barrier = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(library, "MPI_Barrier");
        _abort = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(library, "MPI_Abort");
        _world = NativeLibrary.GetExport(library, "ompi_mpi_comm_world");
        _float = NativeLibrary.GetExport(library, "ompi_mpi_float");
        _double = NativeLibrary.GetExport(library, "ompi_mpi_double");
        _byte = NativeLibrary.GetExport(library, "ompi_mpi_byte");
        _sum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum");
    }

    /// <summary>Loads libmpi; a missing library is an error that names the package to install.</summary>
    public static MpiNative Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out IntPtr library))
            throw new DllNotFoundException($"Data-parallel training needs OpenMPI's {LibraryName}, which was not found. Install it with `apt-get install openmpi-bin` (Debian/Ubuntu) and launch with mpirun.");
        return new MpiNative(library);
    }

    /// <summary>MPI_Init unless MPI is already initialised.</summary>
    public void Init()
    {
        int initialized;
        Check(_initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) Check(_init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
    }

    /// <summary>MPI_Finalize.</summary>
    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    /// <summary>Rank in MPI_COMM_WORLD.</summary>
    public int Rank()
    {
        int rank;
        Check(_commRank(_world, &rank), "MPI_Comm_rank");
        return rank;
    }

    /// <summary>Size of MPI_COMM_WORLD.</summary>
    public int Size()
    {
        int size;
        Check(_commSize(_world, &size), "MPI_Comm_size");
        return size;
    }

    /// <summary>In-place sum over MPI_COMM_WORLD.</summary>
    public void AllReduceSum(Span<float> values)
    {
        fixed (float* data = values) Check(_allreduce(InPlace, data, values.Length, _float, _sum, _world), "MPI_Allreduce");
    }

    /// <summary>In-place sum over MPI_COMM_WORLD.</summary>
    public void AllReduceSum(Span<double> values)
    {
        fixed (double* data = values) Check(_allreduce(InPlace, data, values.Length, _double, _sum, _world), "MPI_Allreduce");
    }

    /// <summary>Broadcast of bytes from <paramref name="root"/>.</summary>
    public void Broadcast(Span<byte> bytes, int root)
    {
        fixed (byte* data = bytes) Check(_bcast(data, bytes.Length, _byte, root, _world), "MPI_Bcast");
    }

    /// <summary>MPI_Barrier.</summary>
    public void Barrier() => Check(_barrier(_world), "MPI_Barrier");

    /// <summary>MPI_Abort of the whole job.</summary>
    public void Abort(int exitCode) => _abort(_world, exitCode);

    // OpenMPI's default error handler aborts the job on an error, so a non-zero code here means a changed handler.
    private static void Check(int code, string function)
    {
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error code {code}.");
    }
}
