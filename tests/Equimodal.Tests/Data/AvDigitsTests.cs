using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

public class AvDigitsTests
{
    private static readonly DataLoadingOptions Options = new() { ValidationFraction = 0.25 };

    /// <summary>../shared/datasets from the repository root, found by walking up from the test binaries.</summary>
    private static string? SharedDatasets()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Equimodal.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
        return null;
    }

    [Fact]
    public void Fitted_statistics_are_recorded_and_reused_instead_of_refitted()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann", "bob" }, indices: 6);
        var digits = new AvDigitsOptions { ImagePcaRemoval = 0.5 };
        DatasetSplits fitted = AvDigitsDataset.Load(root, Options, digits);
        InputPreprocessing audio = fitted.Preprocessing.Of("audio")!;
        PrincipalComponents removed = fitted.Preprocessing.Of("visual")!.RemovedComponents!;
        Assert.Equal(AvDigitsDataset.DefaultSpectrogram, audio.Spectrogram);
        Assert.True(removed.Basis.Count >= 1 && removed.Basis.All(row => row.Length == 784));
        // Reloading with the recorded statistics gives the same inputs; with a shifted mean the inputs shift by mean / std.
        DatasetSplits same = AvDigitsDataset.Load(root, Options, digits, fitted.Preprocessing);
        var shiftedAudio = audio with { Standardization = audio.Standardization! with { Mean = audio.Standardization.Mean + 1 } };
        DatasetSplits shifted = AvDigitsDataset.Load(root, Options, digits, fitted.Preprocessing with { Inputs = new[] { shiftedAudio, fitted.Preprocessing.Inputs[1] } });
        int[] all = Enumerable.Range(0, fitted.Test.Count).ToArray();
        using Batch a = fitted.Test.GetBatch(all, Augmentation.None), b = same.Test.GetBatch(all, Augmentation.None), c = shifted.Test.GetBatch(all, Augmentation.None);
        Assert.True(a.Inputs[0].equal(b.Inputs[0]).all().item<bool>() && a.Inputs[1].equal(b.Inputs[1]).all().item<bool>());
        Assert.True((a.Inputs[0] - c.Inputs[0]).allclose(ones_like(a.Inputs[0]) / audio.Standardization.Std, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Occlusion_and_noise_are_recorded_and_a_reload_from_the_run_folder_rebuilds_them()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann", "bob" }, indices: 6);
        var degradation = new AvDigitsOptions { AudioSnrDb = 5, ImageBlur = 0.5, ImageOcclusion = 0.25 };
        DatasetSplits degraded = AvDigitsDataset.Load(root, Options, degradation);
        var folder = new Equimodal.Experiments.RunFolder(TestData.TempFolder());
        File.WriteAllText(folder.File(Equimodal.Experiments.RunFolder.ConfigFile),
            """{"dataset":{"name":"avdigits","avDigits":{"audioSnrDb":5,"imageBlur":0,"imageOcclusion":0.25}}}""");
        folder.WritePreprocessing(degraded.Preprocessing);
        DatasetPreprocessing recorded = folder.ReadPreprocessing()!;
        Assert.Equal(DatasetPreprocessing.CurrentFormatVersion, recorded.FormatVersion);
        Assert.Equal(5, recorded.Of("audio")!.NoiseSnrDb);
        Assert.Equal(0.25, recorded.Of("visual")!.Occlusion);
        Assert.Equal(0.5, recorded.Of("visual")!.Blur);

        // The recorded degradation wins over a configuration without it: evaluate rebuilds the very inputs training saw.
        DatasetSplits rebuilt = AvDigitsDataset.Load(root, Options, new AvDigitsOptions(), recorded);
        DatasetSplits clean = AvDigitsDataset.Load(root, Options, new AvDigitsOptions());
        // A file written before occlusion and noise were recorded (version 1) takes them from the run's config.json when read.
        var versionOne = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(folder.File(Equimodal.Experiments.RunFolder.PreprocessingFile)))!.AsObject();
        versionOne.Remove("formatVersion");
        versionOne["version"] = 1;
        foreach (var input in versionOne["inputs"]!.AsArray())
        {
            input!.AsObject().Remove("noiseSnrDb");
            input.AsObject().Remove("occlusion");
        }
        File.WriteAllText(folder.File(Equimodal.Experiments.RunFolder.PreprocessingFile), versionOne.ToJsonString());
        DatasetPreprocessing migrated = folder.ReadPreprocessing()!;
        Assert.Equal((5.0, 0.25, 0.5), (migrated.Of("audio")!.NoiseSnrDb!.Value, migrated.Of("visual")!.Occlusion, migrated.Of("visual")!.Blur));
        DatasetSplits older = AvDigitsDataset.Load(root, Options, new AvDigitsOptions(), migrated);
        int[] all = Enumerable.Range(0, degraded.Test.Count).ToArray();
        using Batch d = degraded.Test.GetBatch(all, Augmentation.None), r = rebuilt.Test.GetBatch(all, Augmentation.None);
        using Batch c = clean.Test.GetBatch(all, Augmentation.None), o = older.Test.GetBatch(all, Augmentation.None);
        for (int m = 0; m < 2; m++)
        {
            Assert.True(d.Inputs[m].equal(r.Inputs[m]).all().item<bool>(), $"modality {m} rebuilt");
            Assert.True(d.Inputs[m].equal(o.Inputs[m]).all().item<bool>(), $"modality {m} from a version 1 file");
            Assert.False(c.Inputs[m].equal(d.Inputs[m]).all().item<bool>(), $"modality {m} degraded");
        }
        // A clean run records no noise, and reads back as clean (null, not NaN).
        folder.WritePreprocessing(clean.Preprocessing);
        Assert.Null(folder.ReadPreprocessing()!.Of("audio")!.NoiseSnrDb);
        Assert.Equal(0, folder.ReadPreprocessing()!.Of("visual")!.Occlusion);
    }

    [Fact]
    public void Fsdd_rule_puts_indices_0_to_4_in_test_and_pairs_each_recording_with_its_digit()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann", "bob" }, indices: 8);
        DatasetSplits splits = AvDigitsDataset.Load(root, Options, new AvDigitsOptions());
        Assert.Equal(2 * 10 * 5, splits.Test.Count);
        Assert.Equal(2 * 10 * 3, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(new long[] { 1, 32, 51 }, splits.Modalities[0].Shape);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, splits.Modalities[1].Shape);
        // The synthetic image of digit d has its bright bar on row 2d + 4: the paired image matches the label.
        using Batch batch = splits.Test.GetBatch(Enumerable.Range(0, splits.Test.Count).ToArray(), Augmentation.None);
        long[] labels = batch.Labels.data<long>().ToArray();
        long[] brightRows = batch.Inputs[1].mean(new long[] { 1, 2, 4 }).argmax(1).data<long>().ToArray();
        Assert.Equal(labels.Select(d => 2 * d + 4), brightRows);
    }

    [Fact]
    public void Speaker_split_holds_one_speaker_out_and_validation_comes_from_train()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann", "bob", "cyd" }, indices: 2);
        DatasetSplits splits = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Split = "speaker", TestSpeaker = "cyd" });
        Assert.Equal(20, splits.Test.Count);
        Assert.Equal(30, splits.Train.Count);
        Assert.Equal(10, splits.Validation.Count);
        var test = ((DatasetSubset)splits.Test).SourceIndices.ToHashSet();
        Assert.DoesNotContain(((DatasetSubset)splits.Validation).SourceIndices, test.Contains);
        var error = Assert.Throws<ArgumentException>(() => AvDigitsDataset.Load(root, Options, new AvDigitsOptions { Split = "speaker", TestSpeaker = "zed" }));
        Assert.Contains("no test recordings", error.Message);
    }

    [Fact]
    public void Degradations_change_only_the_modality_they_target()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann" }, indices: 6);
        DatasetSplits clean = AvDigitsDataset.Load(root, Options, new AvDigitsOptions());
        DatasetSplits noisy = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { AudioSnrDb = 0 });
        DatasetSplits blurred = AvDigitsDataset.Load(root, Options, new AvDigitsOptions { ImageBlur = 1.5, ImageOcclusion = 0.2 });
        int[] all = Enumerable.Range(0, clean.Test.Count).ToArray();
        using Batch a = clean.Test.GetBatch(all, Augmentation.None), b = noisy.Test.GetBatch(all, Augmentation.None), c = blurred.Test.GetBatch(all, Augmentation.None);
        Assert.True(a.Inputs[0].allclose(c.Inputs[0]) && a.Inputs[1].allclose(b.Inputs[1]));
        Assert.False(a.Inputs[0].allclose(b.Inputs[0]));
        Assert.False(a.Inputs[1].allclose(c.Inputs[1]));
    }

    [Fact]
    public void Pca_removal_takes_away_the_requested_share_of_variance()
    {
        var generator = new Random(4);
        // Rank-3 data plus small noise: 90% of the energy sits in the leading components.
        Tensor basis = torch.tensor(Enumerable.Range(0, 3 * 16).Select(_ => (float)generator.NextDouble()).ToArray(), new long[] { 3, 16 });
        Tensor weights = torch.tensor(Enumerable.Range(0, 200 * 3).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray(), new long[] { 200, 3 });
        Tensor images = weights.matmul(basis).reshape(200, 1, 4, 4);
        double Energy(Tensor x) => (x - x.mean(new long[] { 0 }, keepdim: true)).square().sum().item<float>();
        Tensor removed = ImageDegradation.RemovePrincipalEnergy(images, 0.5, Enumerable.Range(0, 200).ToArray());
        double left = Energy(removed) / Energy(images);
        Assert.InRange(left, 0.0, 0.5);
        Assert.True(left > 0.01, $"removing the first component cannot remove a rank-3 signal ({left})");
    }

    [Fact]
    public void Bad_recording_names_fail_or_are_skipped()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann" }, indices: 6);
        string odd = TestMedia.WriteTone(Path.Combine(root, "fsdd", "recordings", "seven.wav"), 400, 8000, 0.1);
        Assert.Contains($"{odd}: file name is not", Assert.Throws<DataFileException>(() => AvDigitsDataset.Load(root, Options, new AvDigitsOptions())).Message);
        DatasetSplits splits = AvDigitsDataset.Load(root, Options with { OnBadSample = BadSampleMode.Skip }, new AvDigitsOptions());
        Assert.Equal("seven", Assert.Single(splits.Report.Skipped).Id);
        Assert.Equal(60, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
    }

    [SkippableFact]
    public void Shared_avdigits_loads_3000_samples_and_trains_one_epoch()
    {
        string? root = SharedDatasets();
        Skip.IfNot(root is not null && Directory.Exists(root), $"../shared/datasets (FSDD + MNIST) not found at {root}: see docs/data.md to get it.");
        DatasetSplits splits = AvDigitsDataset.Load(root!, new DataLoadingOptions(), new AvDigitsOptions());
        Assert.Equal(300, splits.Test.Count);
        Assert.Equal(2700, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(270, splits.Validation.Count);
        // A short epoch: a stratified fifth of the training split keeps the test within seconds on 2 shared cores.
        (_, DatasetSubset shortTrain) = DatasetSubset.StratifiedSplit(splits.Train, 0.2, seed: 0);
        TrainingResult result = new Trainer(TestData.ShortTraining with { Epochs = 1, BatchSize = 16, LearningRate = 3e-3 }, TestData.TinyModel)
            .Fit(MethodRegistry.Create("joint"), splits with { Train = shortTrain });
        Assert.Equal(300, result.Test.ConfusionMatrix.Sum(r => r.Sum()));
        // 10 balanced classes: chance is 10% accuracy and a loss of ln 10 = 2.30.
        Assert.True(result.History[0].TrainLoss < Math.Log(10), $"train loss {result.History[0].TrainLoss:F3}");
        Assert.True(result.Test.Accuracy > 0.15, $"test accuracy after one short epoch {result.Test.Accuracy:P1}");
    }
}
