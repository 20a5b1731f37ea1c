using System.Security.Cryptography;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

public class AvDigitsPairsTests
{
    private static readonly DataLoadingOptions Options = new() { ValidationFraction = 0.25 };

    /// <summary>
    /// The tiny AV-Digits layout with images that say which MNIST row they are: image i has its digit's bar (row 2d + 4)
    /// and a mark at row 0, column i (30 images per digit, 300 in all: row 1 holds i / 28 so the index is exact).
    /// </summary>
    private static string MarkedLayout(string[] speakers, int indices)
    {
        string root = TinyLayouts.AvDigits(speakers, indices);
        const int count = 300;
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int x = 0; x < 28; x++) pixels[i * 784 + (2 * labels[i] + 4) * 28 + x] = 255;
            pixels[i * 784 + i % 28] = 255;
            pixels[i * 784 + 28 + i / 28] = 255;
        }
        TinyLayouts.WriteIdx(Path.Combine(root, "mnist10k", "images-idx3-ubyte"), 0x0803, new[] { count, 28, 28 }, pixels);
        TinyLayouts.WriteIdx(Path.Combine(root, "mnist10k", "labels-idx1-ubyte"), 0x0801, new[] { count }, labels);
        return root;
    }

    /// <summary>SHA-256 of every split's images, labels and sample indices (the spectrograms are left out: their floats may differ by CPU kind).</summary>
    private static string Digest(DatasetSplits splits)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (IMultimodalDataset split in new[] { splits.Train, splits.Validation, splits.Test })
        {
            using Batch batch = split.GetBatch(Enumerable.Range(0, split.Count).ToArray(), Augmentation.None);
            hash.AppendData(batch.Inputs[1].data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());
            hash.AppendData(batch.Labels.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());
            hash.AppendData(((DatasetSubset)split).SourceIndices.SelectMany(BitConverter.GetBytes).ToArray());
        }
        return Convert.ToHexString(hash.GetCurrentHash());
    }

    [Fact]
    public void The_digit_task_is_the_dataset_it_always_was()
    {
        // Recorded from the loader before the pair tasks existed: inputs, labels and splits bit for bit.
        string root = MarkedLayout(new[] { "ann", "bob" }, indices: 8);
        Assert.Equal("AB454CC0C20EDBE01F63BD4141B4E66C8084560CF55A7AA968F9C425B9E2313D", Digest(AvDigitsDataset.Load(root, Options, new AvDigitsOptions())));
    }
}
