using Equimodal.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>Chooses the compute device and thread count.</summary>
public static class DeviceSelector
{
    /// <summary>Valid device names.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "auto", "cpu", "cuda" };

    /// <summary>Throws when <paramref name="name"/> is not a device name.</summary>
    public static void Validate(string name)
    {
        if (!Names.Contains(name)) throw new ArgumentException($"Unknown device '{name}'. Valid devices: {string.Join(", ", Names)}.");
    }

    /// <summary>Resolves auto to CUDA when available, else CPU; fails clearly when CUDA is asked for but absent.</summary>
    public static Device Resolve(string name)
    {
        Validate(name);
        NativeRuntime.Prepare();
        bool cuda = torch.cuda.is_available();
        return name switch
        {
            "cpu" => CPU,
            "cuda" when cuda => CUDA,
            "cuda" => throw new InvalidOperationException(
                "CUDA was requested but this build has no CUDA backend. Equimodal references TorchSharp-cpu; " +
                "to train on a GPU, replace it with the TorchSharp-cuda-linux (or TorchSharp-cuda-windows) package and a CUDA driver."),
            _ => cuda ? CUDA : CPU,
        };
    }

    /// <summary>
    /// Sets torch's intra-op threads: <paramref name="threads"/>, or when 0 what PyTorch would take: OMP_NUM_THREADS when
    /// it is set (so a test harness or an MPI launch can pin every process and thread to one), else the core count.
    /// </summary>
    public static int ConfigureThreads(int threads)
    {
        NativeRuntime.Prepare();
        int count = threads > 0 ? threads : DefaultThreads();
        torch.set_num_threads(count);
        return count;
    }

    private static int DefaultThreads() =>
        int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out int fromEnvironment) && fromEnvironment > 0
            ? fromEnvironment
            : Environment.ProcessorCount;
}
