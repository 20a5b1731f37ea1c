using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Equimodal.Runtime;

/// <summary>
/// Settings for libtorch's native kernels that must be in place before the first convolution runs.
/// On AMD Zen 5 processors (x86 family 0x1A) as this project's machines expose them (a virtual machine that reports no
/// cache sizes), libtorch 2.10's oneDNN convolutions corrupt memory now and then: NaN input gradients (measured: 11 of
/// 100 backward passes of the test model at 2 threads, 0 of 200 for PyTorch 1.13 on the same machine), and, rarer,
/// NaN at the first step of a one-thread run or a garbage scalar type elsewhere. Limiting oneDNN to AVX2 made the
/// gradient fault rare but not gone, so on such processors oneDNN is switched off for the process (libtorch then uses
/// its own convolution kernels, as <c>torch.backends.mkldnn.enabled = False</c> does in PyTorch; NNPACK, its next
/// choice, is switched off too: it does not support this processor and would log a warning at every convolution), unless the user
/// has set DNNL_MAX_CPU_ISA or ONEDNN_MAX_CPU_ISA, which says they chose oneDNN's kernels themselves.
/// The environment variable EQUIMODAL_ONEDNN overrides that choice: "on" keeps libtorch's default kernels (oneDNN on),
/// "off" switches oneDNN (and NNPACK) off on every processor, "auto" (the default) is the choice above; tests and
/// benchmarks use it to measure both kernel choices on one machine.
/// The trainer, the device selection and the CLI apply it; code that runs torch before them should call
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

    /// <summary>
    /// "AMD EPYC (x86 family 25 model 1)": the processor's brand string with its family and model, which decide the kernels
    /// libtorch picks and so the float rounding of a run; the architecture's name on other processors.
    /// </summary>
    public static string ProcessorDescription()
    {
        if (!X86Base.IsSupported) return RuntimeInformation.ProcessArchitecture.ToString();
        const int brandFirst = unchecked((int)0x80000002), brandLast = unchecked((int)0x80000004);
        var brand = new System.Text.StringBuilder();
        if (X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= brandLast)
        {
            for (int leaf = brandFirst; leaf <= brandLast; leaf++)
            {
                (int eax, int ebx, int ecx, int edx) = X86Base.CpuId(leaf, 0);
                foreach (int register in new[] { eax, ebx, ecx, edx }) brand.Append(System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(register)));
            }
        }
        int signature = X86Base.CpuId(1, 0).Eax, family = ProcessorFamily();
        // The extended model bits count from family 6 (Intel) and 15 (AMD) on, as the kernel's /proc/cpuinfo decodes them.
        int model = ((signature >> 4) & 0xF) + (family >= 6 ? ((signature >> 16) & 0xF) << 4 : 0);
        string name = brand.ToString().Replace("\0", "").Trim();
        return $"{(name.Length > 0 ? name : "x86")} (x86 family {family} model {model})";
    }

    /// <summary>True on an AMD processor of family 0x1A (Zen 5), where the oneDNN defect was observed.</summary>
    public static bool IsAffectedProcessor()
    {
        if (!X86Base.IsSupported) return false;
        (int _, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163; // "AuthenticAMD"
        return amd && ProcessorFamily() == 0x1A;
    }

    /// <summary>Whether libtorch uses oneDNN (mkldnn) kernels, as <c>torch.backends.mkldnn.enabled</c> reports it.</summary>
    public static bool OneDnnEnabled => ContextFlag("_ZNK2at7Context17userEnabledMkldnnEv");

    /// <summary>Whether libtorch may use NNPACK kernels, as <c>torch.backends.nnpack.enabled</c> reports it.</summary>
    public static bool NnpackEnabled => ContextFlag("_ZNK2at7Context17userEnabledNNPACKEv");

    /// <summary>The environment variable that forces oneDNN on or off: on, off or auto (the default).</summary>
    public const string OneDnnVariable = "EQUIMODAL_ONEDNN";

    /// <summary>
    /// Whether oneDNN stays on for a value of <see cref="OneDnnVariable"/> (null or empty: auto); auto is
    /// <paramref name="automatic"/>, the processor-dependent choice. Case and surrounding spaces are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not on, off or auto; the message names the variable.</exception>
    public static bool KeepsOneDnn(string? setting, Func<bool> automatic)
    {
        switch (setting?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto": return automatic();
            case "on": return true;
            case "off": return false;
            default: throw new ArgumentException($"{OneDnnVariable}={setting} is not valid: set it to on, off or auto (auto, the default, switches oneDNN off only on AMD Zen 5 processors).");
        }
    }

    /// <summary>Applies the workaround once per process; call before the first convolution.</summary>
    public static void Prepare()
    {
        Native.GlibcAllocator.Apply();
        if (Interlocked.Exchange(ref _prepared, 1) == 1) return;
        if (KeepsOneDnn(Environment.GetEnvironmentVariable(OneDnnVariable), AutomaticallyKeepsOneDnn)) return;
        IntPtr context = GlobalContext();
        if (context == IntPtr.Zero) return;
        SetContextFlag(context, "_ZN2at7Context20setUserEnabledMkldnnEb", false);
        SetContextFlag(context, "_ZN2at7Context20setUserEnabledNNPACKEb", false);
    }

    /// <summary>
    /// Makes libtorch run the calling thread's operations on that thread alone, as PyTorch's DataLoader workers do;
    /// for helper threads such as batch prefetching. A second thread that runs parallel operations gets an OpenMP team
    /// of its own; once libgomp manages more threads than there are cores it lets idle workers spin only briefly, so the
    /// training step's worker falls asleep between operations and every parallel operation waits for it to wake up (at
    /// 2 threads on 2 cores this cost the default model's step about 15 %).
    /// </summary>
    public static unsafe void RunOperationsOnThisThreadOnly()
    {
        // libtorch sets a thread's OpenMP thread count at the thread's first query; ours must come after it.
        _ = torch.get_num_threads();
        if (NativeLibrary.TryGetExport(TorchCpuLibrary(), "omp_set_num_threads", out IntPtr function))
            ((delegate* unmanaged<int, void>)function)(1);
    }

    private static bool AutomaticallyKeepsOneDnn() =>
        OperatingSystem.IsWindows() || !IsAffectedProcessor()
        || Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is not null || Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is not null;

    // libtorch exports at::globalContext() and at::Context::setUserEnabledMkldnn(bool) only as C++ symbols; a member
    // function takes `this` as its first argument in the x86-64 System V ABI.
    private static unsafe IntPtr GlobalContext()
    {
        IntPtr library = TorchCpuLibrary();
        if (library == IntPtr.Zero || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr function)) return IntPtr.Zero;
        return ((delegate* unmanaged<IntPtr>)function)();
    }

    // at::Context::setUserEnabled...(bool), by its mangled name.
    private static unsafe void SetContextFlag(IntPtr context, string setter, bool enabled)
    {
        if (NativeLibrary.TryGetExport(TorchCpuLibrary(), setter, out IntPtr function))
            ((delegate* unmanaged<IntPtr, byte, void>)function)(context, enabled ? (byte)1 : (byte)0);
    }

    private static unsafe bool ContextFlag(string getter)
    {
        IntPtr context = GlobalContext();
        return context != IntPtr.Zero && NativeLibrary.TryGetExport(TorchCpuLibrary(), getter, out IntPtr function)
            && ((delegate* unmanaged<IntPtr, byte>)function)(context) != 0;
    }

    private static IntPtr TorchCpuLibrary()
    {
        // Loads libtorch through TorchSharp first; dlopen by name then returns the copy already in the process.
        _ = torch.get_num_threads();
        return NativeLibrary.TryLoad("libtorch_cpu.so", out IntPtr handle) ? handle : IntPtr.Zero;
    }
}
