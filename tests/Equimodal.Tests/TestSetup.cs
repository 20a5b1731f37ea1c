using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Equimodal.Tests;

internal static partial class TestSetup
{
    /// <summary>
    /// One intra-op thread on every thread that runs torch: deterministic results and no oversubscription when the
    /// machine is busy. torch.set_num_threads alone is not enough: OpenMP keeps a thread count per thread, and xunit
    /// runs tests on pool threads that may have taken a larger count from an earlier test (a CLI test with
    /// --threads 0). OMP_NUM_THREADS, set before libtorch loads, is every new thread's default, and --threads 0 follows it.
    /// </summary>
    [ModuleInitializer]
    internal static void UseOneThread()
    {
        // .NET's Environment.SetEnvironmentVariable does not reach native getenv on Unix.
        Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "1");
        if (!OperatingSystem.IsWindows()) _ = setenv("OMP_NUM_THREADS", "1", 1);
        // As the CLI does first thing: before any convolution runs.
        Equimodal.Runtime.NativeRuntime.Prepare();
        torch.set_num_threads(1);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
