using System.Security.Cryptography;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Experiments;
using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

public class AvDigitsPairsTests
{
    private static readonly DataLoadingOptions Options = new() { ValidationFraction = 0.25 };

    private static readonly DataLoadingOptions Regression = Options with { Task = new TaskOptions { Kind = TaskKind.Regression } };

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

    /// <summary>What each sample of a split is: its root index, spoken digit (from the recording's file name), written digit and MNIST row.</summary>
    private sealed record Sample(int Index, int Spoken, int Written, int Image);

    private static Sample[] Samples(string root, IMultimodalDataset split)
    {
        int[] spokenByIndex = Directory.EnumerateFiles(Path.Combine(root, "fsdd", "recordings"), "*.wav").Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f)[0] - '0').ToArray();
        using Batch batch = split.GetBatch(Enumerable.Range(0, split.Count).ToArray(), Augmentation.None);
        Tensor image = batch.Inputs[1][.., 0, 0];
        // The bar of digit d lights row 2d + 4; the marks light column i % 28 of row 0 and column i / 28 of row 1.
        long[] barRow = image[.., 2..].mean(new long[] { 2 }).argmax(1).data<long>().ToArray();
        long[] low = image[.., 0].argmax(1).data<long>().ToArray(), high = image[.., 1].argmax(1).data<long>().ToArray();
        IReadOnlyList<int> indices = ((DatasetSubset)split).SourceIndices;
        return Enumerable.Range(0, split.Count)
            .Select(i => new Sample(indices[i], spokenByIndex[indices[i]], (int)(barRow[i] + 2 - 4) / 2, (int)(high[i] * 28 + low[i]))).ToArray();
    }

    private static IEnumerable<IMultimodalDataset> Parts(DatasetSplits splits) => new[] { splits.Train, splits.Validation, splits.Test };

    [Fact]
    public void Sum_labels_add_the_spoken_and_the_written_digit_as_a_class_or_a_number()
    {
        string root = MarkedLayout(new[] { "ann", "bob" }, indices: 8);
        DatasetSplits classes = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Task = "sum" });
        DatasetSplits numbers = AvDigitsDataset.Load(root, Regression, new AvDigitsOptions { Task = "sum" });
        Assert.Equal(TaskKind.Classification, classes.Task.Kind);
        Assert.Equal(Enumerable.Range(0, 19).Select(s => s.ToString()), classes.ClassNames);
        Assert.Equal(TaskKind.Regression, numbers.Task.Kind);
        Assert.Equal(new[] { "sum" }, numbers.ClassNames);
        foreach (var (classSplit, numberSplit) in Parts(classes).Zip(Parts(numbers)))
        {
            Sample[] samples = Samples(root, classSplit);
            using Batch c = classSplit.GetBatch(Enumerable.Range(0, classSplit.Count).ToArray(), Augmentation.None);
            using Batch r = numberSplit.GetBatch(Enumerable.Range(0, numberSplit.Count).ToArray(), Augmentation.None);
            Assert.Equal(samples.Select(s => (long)(s.Spoken + s.Written)), c.Labels.data<long>().ToArray());
            Assert.Equal(new long[] { samples.Length, 1 }, r.Labels.shape);
            Assert.Equal(ScalarType.Float32, r.Labels.dtype);
            Assert.Equal(samples.Select(s => (float)(s.Spoken + s.Written)), r.Labels.data<float>().ToArray());
            // Both kinds hold the same samples in the same splits.
            Assert.Equal(((DatasetSubset)classSplit).SourceIndices, ((DatasetSubset)numberSplit).SourceIndices);
        }
        Assert.Equal(2 * 10 * 5, classes.Test.Count);
    }

    [Fact]
    public void Pair_labels_mark_both_digits_and_a_single_label_when_they_are_the_same()
    {
        string root = MarkedLayout(new[] { "ann", "bob" }, indices: 8);
        DatasetSplits splits = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Task = "pair" });
        Assert.Equal(TaskKind.MultiLabel, splits.Task.Kind);
        Assert.Equal(AvDigitsDataset.Classes, splits.ClassNames);
        int same = 0;
        foreach (IMultimodalDataset split in Parts(splits))
        {
            Sample[] samples = Samples(root, split);
            using Batch batch = split.GetBatch(Enumerable.Range(0, split.Count).ToArray(), Augmentation.None);
            float[] labels = batch.Labels.data<float>().ToArray();
            for (int i = 0; i < samples.Length; i++)
            {
                float[] expected = new float[10];
                expected[samples[i].Spoken] = 1;
                expected[samples[i].Written] = 1;
                Assert.Equal(expected, labels[(i * 10)..(i * 10 + 10)]);
                if (samples[i].Spoken == samples[i].Written) same++;
            }
        }
        Assert.True(same > 0, "160 independent draws give some equal digits (one label)");
    }

    [Fact]
    public void The_written_digit_is_drawn_by_the_data_seed_alone_and_no_image_repeats()
    {
        string root = MarkedLayout(new[] { "ann", "bob" }, indices: 8);
        Sample[] All(AvDigitsOptions digits, int seed) => Parts(AvDigitsDataset.Load(root, Options with { DataSeed = seed }, digits))
            .SelectMany(split => Samples(root, split)).OrderBy(s => s.Index).ToArray();
        Sample[] sum = All(new AvDigitsOptions { Task = "sum" }, 0);
        // The written digit of recording i is the i-th draw of the seed's stream, whatever the recording says.
        var draw = new Random(SeedStreams.PairedImageDraw(0));
        Assert.Equal(sum.Select(_ => draw.Next(10)), sum.Select(s => s.Written));
        // Every spoken digit meets several written ones (the digit task pairs each with its own).
        Assert.All(sum.GroupBy(s => s.Spoken), g => Assert.True(g.Select(s => s.Written).Distinct().Count() >= 5, $"spoken {g.Key}"));
        Assert.All(All(new AvDigitsOptions(), 0), s => Assert.Equal(s.Spoken, s.Written));
        // 160 draws over 30 images per digit: every image is used once at most, so no test image is seen in training.
        Assert.Equal(sum.Length, sum.Select(s => s.Image).Distinct().Count());
        Assert.All(sum, s => Assert.Equal(s.Written, s.Image % 10));
        // The same seed repeats; the pair task draws the very same images; another seed draws others.
        Assert.Equal(sum, All(new AvDigitsOptions { Task = "sum" }, 0));
        Assert.Equal(sum, All(new AvDigitsOptions { Task = "pair" }, 0));
        Assert.NotEqual(sum.Select(s => s.Written), All(new AvDigitsOptions { Task = "sum" }, 1).Select(s => s.Written));
    }

    [Fact]
    public void Speaker_split_holds_the_speaker_out_for_the_pair_tasks_too()
    {
        string root = MarkedLayout(new[] { "ann", "bob", "cyd" }, indices: 4);
        DatasetSplits splits = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Task = "pair", Split = "speaker", TestSpeaker = "cyd" });
        string[] files = Directory.EnumerateFiles(Path.Combine(root, "fsdd", "recordings"), "*.wav").Order(StringComparer.Ordinal).Select(Path.GetFileName).ToArray()!;
        Assert.Equal(40, splits.Test.Count);
        Assert.All(((DatasetSubset)splits.Test).SourceIndices, i => Assert.Contains("_cyd_", files[i]));
        Assert.Equal(80, splits.Train.Count + splits.Validation.Count);
        Assert.True(splits.Validation.Count > 0);
        Assert.DoesNotContain(((DatasetSubset)splits.Validation).SourceIndices, i => files[i].Contains("_cyd_"));
    }

    [Fact]
    public void A_task_the_labels_cannot_be_learned_as_is_refused_by_name()
    {
        string root = MarkedLayout(new[] { "ann" }, indices: 6);
        Assert.Contains("'pair' cannot be learned as regression: it supports multilabel",
            Assert.Throws<ArgumentException>(() => AvDigitsDataset.Load(root, Regression, new AvDigitsOptions { Task = "pair" })).Message);
        Assert.Contains("'digit' cannot be learned as multilabel",
            Assert.Throws<ArgumentException>(() => AvDigitsDataset.Load(root, Options with { Task = new TaskOptions { Kind = TaskKind.MultiLabel } }, new AvDigitsOptions())).Message);
        Assert.Contains("Valid tasks: digit, sum, pair",
            Assert.Throws<ArgumentException>(() => AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Task = "product" })).Message);
    }

    [Fact]
    public void The_recorded_task_rebuilds_the_same_labels_from_a_run_folder()
    {
        string root = MarkedLayout(new[] { "ann", "bob" }, indices: 8);
        DatasetSplits trained = AvDigitsDataset.Load(root, Regression, new AvDigitsOptions { Task = "sum" });
        var folder = new RunFolder(TestData.TempFolder());
        File.WriteAllText(folder.File(RunFolder.ConfigFile), System.Text.Json.JsonSerializer.Serialize(new RunConfig(), Json.Indented));
        folder.WritePreprocessing(trained.Preprocessing);
        DatasetPreprocessing recorded = folder.ReadPreprocessing()!;
        Assert.Equal("sum", recorded.AvDigitsTask);
        Assert.Equal(TaskKind.Regression, recorded.Task);
        // Evaluate reloads with the recorded preprocessing: the task and its kind come from it, not from the defaults.
        DatasetSplits rebuilt = AvDigitsDataset.Load(root, Options, new AvDigitsOptions(), recorded);
        Assert.Equal(TaskKind.Regression, rebuilt.Task.Kind);
        int[] all = Enumerable.Range(0, trained.Test.Count).ToArray();
        using Batch a = trained.Test.GetBatch(all, Augmentation.None), b = rebuilt.Test.GetBatch(all, Augmentation.None);
        Assert.True(a.Labels.equal(b.Labels).all().item<bool>());
        Assert.True(a.Inputs[1].equal(b.Inputs[1]).all().item<bool>());
        // A file written before the pair tasks (no task recorded) is the digit task.
        DatasetSplits older = AvDigitsDataset.Load(root, Options, new AvDigitsOptions(), recorded with { AvDigitsTask = null, Task = null });
        Assert.Equal(TaskKind.Classification, older.Task.Kind);
        Assert.Equal("digit", older.Preprocessing.AvDigitsTask);
    }

    [Fact]
    public void A_regression_dataset_is_split_by_the_strata_it_is_given()
    {
        var modality = new[] { new ModalitySpec("x", ModalityKind.Vector, new long[] { 2 }) };
        Tensor targets = tensor(new float[] { 0.5f, 1, 2, 3 }, new long[] { 4, 1 });
        var regression = new TensorDataset(modality, new[] { "y" }, new[] { zeros(4, 2) }, targets, TaskKind.Regression, new[] { 7, 7, 9, 9 });
        Assert.Equal(new[] { 7, 7, 9, 9 }, Enumerable.Range(0, 4).Select(regression.LabelOf));
        // Half of each stratum is held out: one of {0, 1} and one of {2, 3}.
        (DatasetSubset _, DatasetSubset held) = DatasetSubset.StratifiedSplit(regression, 0.5, seed: 3);
        Assert.Equal(new[] { 7, 9 }, held.SourceIndices.Select(regression.LabelOf));
        Assert.Contains("3 strata for 4 samples", Assert.Throws<ArgumentException>(() =>
            new TensorDataset(modality, new[] { "y" }, new[] { zeros(4, 2) }, targets, TaskKind.Regression, new[] { 1, 2, 3 })).Message);
        Assert.Contains("stratified by its classes", Assert.Throws<ArgumentException>(() =>
            new TensorDataset(modality, new[] { "a", "b" }, new[] { zeros(4, 2) }, zeros(4), TaskKind.Classification, new[] { 0, 0, 1, 1 })).Message);
    }
}
