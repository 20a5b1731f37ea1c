using System.Runtime.InteropServices;

namespace Equimodal.Training;

/// <summary>
/// Keeps the memory libtorch frees for reuse instead of handing it back to the operating system. With glibc's defaults
/// a training step's activations (hundreds of KB to MB each) are mmap-ed or trimmed from the heap when freed and
/// page-faulted in again, zeroed by the kernel, on the next step: on the default model that was half of a step's CPU
/// time (bench/README.md, `step-parts`). Raising the mmap and trim thresholds lets glibc reuse the freed blocks; the peak
/// resident memory is unchanged, it is just not returned between steps.
/// </summary>
public static class NativeMemory
{
    // mallopt parameters (malloc.h).
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    /// <summary>Largest mmap threshold glibc accepts on 64-bit systems (32 MiB); larger blocks are still mmap-ed.</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Heap top kept free before glibc trims it (1 GiB).</summary>
    public const int TrimThresholdBytes = 1 << 30;

    private static readonly Lazy<bool> Configured = new(Apply);

    /// <summary>Applies the thresholds once per process on Linux with glibc; true when they are in force.</summary>
    public static bool KeepFreedMemory() => Configured.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MmapThreshold, MmapThresholdBytes) == 1 && mallopt(TrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator has no such knobs, and nothing is lost.
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
