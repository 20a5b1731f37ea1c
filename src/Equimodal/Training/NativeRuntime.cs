using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Equimodal.Training;

/// <summary>
/// Settings for libtorch's native kernels that must be in place before the first convolution runs.
/// On AMD Zen 5 processors (x86 family 0x1A), the oneDNN AVX-512 convolution kernels of libtorch 2.10 sometimes write
/// NaN into the input gradient when they run on more than one thread (measured here: 11 of 100 backward passes of the
/// test model at 2 threads; 0 of 100 with oneDNN limited to AVX2; 0 of 200 for PyTorch 1.13 on the same machine).
/// Training then stops with a divergence error that has nothing to do with the learning rate. On such processors
/// oneDNN is limited to AVX2 kernels, unless the user has set DNNL_MAX_CPU_ISA (or ONEDNN_MAX_CPU_ISA) to choose.
/// The trainer, <see cref="DeviceSelector"/> and the CLI apply it; code that runs torch before them should call
/// <see cref="Prepare"/> first.
/// </summary>
public static partial class NativeRuntime
{
    private static int _prepared;

    /// <summary>The x86 processor family as reported by CPUID (base plus extended family), or -1 elsewhere.</summary>
    public static int ProcessorFamily()
    {
        if (!X86Base.IsSupported) return -1;
        int signature = X86Base.CpuId(1, 0).Eax;
        int baseFamily = (signature >> 8) & 0xF;
        return baseFamily == 0xF ? baseFamily + ((signature >> 20) & 0xFF) : baseFamily;
    }

    /// <summary>True on an AMD processor of family 0x1A (Zen 5), where the oneDNN defect was observed.</summary>
    public static bool IsAffectedProcessor()
    {
        if (!X86Base.IsSupported) return false;
        (int _, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163; // "AuthenticAMD"
        return amd && ProcessorFamily() == 0x1A;
    }

    /// <summary>Applies the workaround once per process; call before the first convolution.</summary>
    public static void Prepare()
    {
        if (Interlocked.Exchange(ref _prepared, 1) == 1) return;
        if (OperatingSystem.IsWindows() || !IsAffectedProcessor()) return;
        if (Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is not null || Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is not null) return;
        // oneDNN reads the variable natively; .NET's own environment block does not reach getenv on Unix.
        Environment.SetEnvironmentVariable("DNNL_MAX_CPU_ISA", "AVX2");
        _ = setenv("DNNL_MAX_CPU_ISA", "AVX2", 0);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
