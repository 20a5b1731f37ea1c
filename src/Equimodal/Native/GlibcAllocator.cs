using System.Runtime.InteropServices;

namespace Equimodal.Native;

/// <summary>
/// glibc malloc settings that keep freed tensor memory in the process. With glibc's defaults, large blocks are mapped
/// and unmapped and the heap is trimmed, so every training step gets its activation memory back from the kernel as
/// fresh pages, each one a page fault the kernel zeroes. Raising the mmap threshold to its maximum (32 MiB) and the trim
/// threshold to 1 GiB lets glibc reuse the memory instead: measured on the default model, 5x fewer page faults and about
/// half the CPU time per step, with bit-identical weights (bench/README.md). Applied by <c>NativeRuntime.Prepare()</c>,
/// which the trainer, the CLI and <c>DeviceSelector</c> call, so library users get it without doing anything.
/// Left alone when <c>MALLOC_MMAP_THRESHOLD_</c> or <c>MALLOC_TRIM_THRESHOLD_</c> is set (the user chose), or with
/// <c>EQUIMODAL_MALLOC=default</c> (glibc's defaults, for comparison or if the memory kept matters more).
/// </summary>
public static partial class GlibcAllocator
{
    /// <summary>The environment variable that chooses the allocator settings: tuned (the default) or default.</summary>
    public const string Variable = "EQUIMODAL_MALLOC";

    /// <summary>Blocks below this size come from the heap instead of their own mapping (glibc's maximum).</summary>
    public const int MmapThreshold = 32 * 1024 * 1024;

    /// <summary>Free memory at the top of the heap is returned to the kernel only above this size.</summary>
    public const int TrimThreshold = 1024 * 1024 * 1024;

    // mallopt parameter numbers from glibc's malloc.h.
    private const int TrimThresholdParameter = -1, MmapThresholdParameter = -3;

    private static int _applied;

    /// <summary>Whether this process runs with the tuned settings (set by <see cref="Apply"/>).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>
    /// Whether the settings should be tuned, given the values of <see cref="Variable"/>, <c>MALLOC_MMAP_THRESHOLD_</c>
    /// and <c>MALLOC_TRIM_THRESHOLD_</c> (null when unset).
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="Variable"/> is neither tuned nor default; the message names it.</exception>
    public static bool ShouldTune(string? setting, string? mmapThreshold, string? trimThreshold) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "tuned" => mmapThreshold is null && trimThreshold is null,
        "default" => false,
        _ => throw new ArgumentException($"{Variable}={setting} is not valid: set it to tuned (the default: freed memory stays in the process) or default (glibc's own settings)."),
    };

    /// <summary>Tunes glibc's allocator once per process when <see cref="ShouldTune"/> says so; nothing on other C libraries or systems.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1 || !OperatingSystem.IsLinux()) return;
        if (!ShouldTune(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"),
                Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_"))) return;
        try
        {
            Tuned = Mallopt(MmapThresholdParameter, MmapThreshold) == 1 & Mallopt(TrimThresholdParameter, TrimThreshold) == 1;
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without mallopt (musl): its allocator has no such thresholds.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
