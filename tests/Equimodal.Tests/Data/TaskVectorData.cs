using Equimodal.Data;
using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

/// <summary>
/// Two-modality vector data (modalities "a" and "b", 4 features each) for the multi-label and regression tasks, where
/// each modality holds part of the answer: regression targets "sum" = a0 + b0 and "diff" = a1 - b1; multi-label labels
/// "a0" (a0 &gt; 0), "b0" (b0 &gt; 0) and "both" (a1 &gt; 0 and b1 &gt; 0).
/// </summary>
public static class TaskVectorData
{
    /// <summary>The modalities.</summary>
    public static readonly ModalitySpec[] Modalities = { new("a", ModalityKind.Vector, new long[] { 4 }), new("b", ModalityKind.Vector, new long[] { 4 }) };

    /// <summary>Train/validation/test splits of <paramref name="samples"/>, <paramref name="samples"/>/2 and <paramref name="samples"/>/2 samples.</summary>
    public static DatasetSplits Create(TaskKind task, int samples, int seed = 3) =>
        new(Split(task, samples, seed), Split(task, samples / 2, seed + 1), Split(task, samples / 2, seed + 2));

    /// <summary>The output names of <paramref name="task"/>.</summary>
    public static string[] Outputs(TaskKind task) => task == TaskKind.Regression ? new[] { "sum", "diff" } : new[] { "a0", "b0", "both" };

    private static TensorDataset Split(TaskKind task, int samples, int seed)
    {
        var generator = new torch.Generator((ulong)seed);
        Tensor a = randn(new long[] { samples, 4 }, generator: generator);
        Tensor b = randn(new long[] { samples, 4 }, generator: generator);
        Tensor labels = task == TaskKind.Regression
            ? stack(new[] { a[.., 0] + b[.., 0], a[.., 1] - b[.., 1] }, 1)
            : stack(new[] { a[.., 0] > 0, b[.., 0] > 0, (a[.., 1] > 0).logical_and(b[.., 1] > 0) }, 1).to_type(ScalarType.Float32);
        return new TensorDataset(Modalities, Outputs(task), new[] { a, b }, labels, task);
    }
}
