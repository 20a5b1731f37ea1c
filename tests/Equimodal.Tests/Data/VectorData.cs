using Equimodal.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

/// <summary>A tiny two-modality vector dataset (class = sign pattern of a few features) for fast, long training tests.</summary>
public static class VectorData
{
    /// <summary>Creates train/validation/test splits of <paramref name="samples"/> each; <paramref name="poisonTrainSample"/> gets a NaN feature.</summary>
    public static DatasetSplits Create(int samples, int seed = 3, int? poisonTrainSample = null) =>
        new(Split(samples, seed, poisonTrainSample), Split(samples / 2, seed + 1, null), Split(samples / 2, seed + 2, null));

    private static TensorDataset Split(int samples, int seed, int? poison)
    {
        var generator = new torch.Generator((ulong)seed);
        Tensor a = randn(new long[] { samples, 4 }, generator: generator);
        Tensor b = randn(new long[] { samples, 4 }, generator: generator);
        Tensor labels = (a[.., 0] > 0).to_type(ScalarType.Int64) * 2 + (b[.., 0] > 0).to_type(ScalarType.Int64);
        if (poison is { } index) a[index, 1] = float.NaN;
        var modalities = new[] { new ModalitySpec("a", ModalityKind.Vector, new long[] { 4 }), new ModalitySpec("b", ModalityKind.Vector, new long[] { 4 }) };
        return new TensorDataset(modalities, new[] { "00", "01", "10", "11" }, new[] { a, b }, labels);
    }
}
