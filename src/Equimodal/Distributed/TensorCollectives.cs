using System.Runtime.InteropServices;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Distributed;

/// <summary>
/// Collective operations on tensors and numbers, written once over <see cref="ICollective"/>'s flat buffers. With one
/// process every operation returns its input untouched (not even divided by 1), so single-process training is bit for
/// bit what it was. Tensors travel through host memory: Debian's OpenMPI is not CUDA-aware.
/// </summary>
public static class TensorCollectives
{
    /// <summary>Averages the gradients of <paramref name="parameters"/> over the ranks, as one flat buffer (parameters without a gradient are skipped on every rank alike).</summary>
    public static void AverageGradients(this ICollective collective, IEnumerable<Parameter> parameters)
    {
        if (collective.World == 1) return;
        Tensor[] gradients = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToArray();
        collective.Average(gradients);
    }

    /// <summary>Replaces each of <paramref name="tensors"/> (float32 or float64) by its element-wise mean over the ranks, in place, through one flat buffer.</summary>
    public static void Average(this ICollective collective, IReadOnlyList<Tensor> tensors)
    {
        if (collective.World == 1 || tensors.Count == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ScalarType type = tensors[0].dtype;
        if (type != ScalarType.Float32 && type != ScalarType.Float64 || tensors.Any(t => t.dtype != type))
            throw new NotSupportedException($"Data-parallel averaging needs tensors of one type, float32 or float64; got {string.Join(", ", tensors.Select(t => t.dtype).Distinct())}.");
        Tensor flat = cat(tensors.Select(t => t.detach().flatten().cpu()).ToArray()).contiguous();
        byte[] bytes = flat.bytes.ToArray();
        if (type == ScalarType.Float32) collective.AllReduceSum(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()));
        else collective.AllReduceSum(MemoryMarshal.Cast<byte, double>(bytes.AsSpan()));
        flat.bytes = bytes;
        flat.div_(Held(collective.World));
        long offset = 0;
        foreach (Tensor t in tensors)
        {
            long count = t.numel();
            t.copy_(flat.narrow(0, offset, count).view(t.shape));
            offset += count;
        }
    }

    /// <summary>Replaces <paramref name="tensor"/> by its mean over the ranks (in place) and returns it, for method statistics such as a batch mean.</summary>
    public static Tensor Average(this ICollective collective, Tensor tensor)
    {
        collective.Average(new[] { tensor });
        return tensor;
    }

    /// <summary>The element-wise sum of <paramref name="values"/> over the ranks (the input itself with one process).</summary>
    public static double[] Sum(this ICollective collective, double[] values)
    {
        if (collective.World == 1) return values;
        double[] result = (double[])values.Clone();
        collective.AllReduceSum(result);
        return result;
    }

    /// <summary>The element-wise mean of <paramref name="values"/> over the ranks (the input itself with one process).</summary>
    public static double[] Mean(this ICollective collective, double[] values)
    {
        if (collective.World == 1) return values;
        return collective.Sum(values).Select(v => v / collective.World).ToArray();
    }

    /// <summary>Copies rank <paramref name="root"/>'s values of <paramref name="tensors"/> (any type) into every rank's tensors, in place.</summary>
    public static void Broadcast(this ICollective collective, IEnumerable<Tensor> tensors, int root = 0)
    {
        if (collective.World == 1) return;
        using var noGrad = no_grad();
        foreach (Tensor t in tensors)
        {
            using Tensor cpu = t.detach().cpu().contiguous();
            byte[] bytes = cpu.bytes.ToArray();
            collective.Broadcast(bytes, root);
            cpu.bytes = bytes;
            t.copy_(cpu);
        }
    }
}
