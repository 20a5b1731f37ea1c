using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Equimodal.Runtime;
using TorchSharp;

namespace Equimodal.Reporting;

/// <summary>The software and machine a run used, recorded in config.json so the run can be repeated.</summary>
public sealed record ReproducibilityInfo
{
    /// <summary>This build's Equimodal version: the informational version, with the commit when the build knew it (recorded as config.json's <c>equimodalVersion</c>).</summary>
    public static string CurrentVersion { get; } =
        typeof(ReproducibilityInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ReproducibilityInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Git commit of the source tree, when available (from the build or the working folder's repository).</summary>
    public string? GitCommit { get; init; }

    /// <summary>TorchSharp assembly version.</summary>
    public string TorchSharpVersion { get; init; } = "";

    /// <summary>Version of the native libtorch TorchSharp runs on.</summary>
    public string LibTorchVersion { get; init; } = "";

    /// <summary>Device the run trained on (cpu or cuda).</summary>
    public string Device { get; init; } = "";

    /// <summary>Intra-op threads libtorch used.</summary>
    public int Threads { get; init; }

    /// <summary>.NET runtime description.</summary>
    public string Runtime { get; init; } = "";

    /// <summary>Operating system and architecture.</summary>
    public string OperatingSystem { get; init; } = "";

    /// <summary>Logical processors of the machine.</summary>
    public int ProcessorCount { get; init; }

    /// <summary>The processor (<see cref="NativeRuntime.ProcessorDescription"/>); empty in runs recorded before it was.</summary>
    public string Processor { get; init; } = "";

    /// <summary>Whether libtorch's oneDNN kernels were on (<see cref="NativeRuntime.OneDnnEnabled"/>); null in runs recorded before it was.</summary>
    public bool? OneDnn { get; init; }

    /// <summary>
    /// "AMD EPYC (x86 family 25 model 1), oneDNN on": what decides a run's float rounding besides the software versions.
    /// The same seed can land points apart on another processor or kernel choice, so results compared seed by seed
    /// should share it. "not recorded" for runs recorded before it was.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Machine => Processor.Length == 0 ? "not recorded" : $"{Processor}, oneDNN {(OneDnn == true ? "on" : "off")}";

    /// <summary>Processes that trained the run together (data-parallel ranks; 1 for one process).</summary>
    public int Ranks { get; init; } = 1;

    /// <summary>Samples per step on each rank (<c>--batch-size</c>); the global batch is <see cref="Ranks"/> times this.</summary>
    public int PerRankBatch { get; init; }

    /// <summary>
    /// Describes the current process, trained on <paramref name="ranks"/> ranks of <paramref name="perRankBatch"/> samples
    /// each; call after the trainer has configured threads and device.
    /// </summary>
    public static ReproducibilityInfo Capture(string device, int ranks, int perRankBatch)
    {
        int plus = CurrentVersion.IndexOf('+');
        return new ReproducibilityInfo
        {
            GitCommit = plus >= 0 ? CurrentVersion[(plus + 1)..] : GitHead(),
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            LibTorchVersion = torch.__version__,
            Device = device,
            Threads = torch.get_num_threads(),
            Runtime = RuntimeInformation.FrameworkDescription,
            OperatingSystem = $"{RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}",
            ProcessorCount = Environment.ProcessorCount,
            Processor = NativeRuntime.ProcessorDescription(),
            OneDnn = NativeRuntime.OneDnnEnabled,
            Ranks = ranks,
            PerRankBatch = perRankBatch,
        };
    }

    private static string? GitHead()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null) return null;
            string output = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(5000) && git.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
