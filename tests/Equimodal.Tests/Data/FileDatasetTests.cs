using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Methods;
using Equimodal.Training;

namespace Equimodal.Tests.Data;

public class FileDatasetTests
{
    /// <summary>Trains the tiny model one epoch with joint training.</summary>
    internal static TrainingResult TrainOneEpoch(DatasetSplits splits) =>
        new Trainer(TestData.ShortTraining with { Epochs = 1, BatchSize = 8 }, TestData.TinyModel).Fit(MethodRegistry.Create("joint"), splits);

    [Fact]
    public void Cremad_layout_loads_with_validation_from_train_and_trains_one_epoch()
    {
        DatasetSplits splits = CremaDDataset.Load(TinyLayouts.CremaD(), TinyLayouts.Options);
        Assert.Equal(CremaDDataset.Classes, splits.ClassNames);
        Assert.Equal(6, splits.Test.Count);
        // 4 train clips per class, a quarter of each class held out for validation.
        Assert.Equal(18, splits.Train.Count);
        Assert.Equal(6, splits.Validation.Count);
        var trainIds = ((DatasetSubset)splits.Train).SourceIndices.Concat(((DatasetSubset)splits.Validation).SourceIndices).ToHashSet();
        Assert.DoesNotContain(((DatasetSubset)splits.Test).SourceIndices, trainIds.Contains);
        Assert.Equal(new long[] { 1, 16, 1 + 2000 / 64 }, splits.Modalities[0].Shape);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, splits.Modalities[1].Shape);
        using Batch batch = splits.Test.GetBatch(new[] { 0, 1 }, Augmentation.None);
        Assert.Equal(new long[] { 2, 2, 3, 16, 16 }, batch.Inputs[1].shape);
        TrainingResult result = TrainOneEpoch(splits);
        Assert.Single(result.History);
        Assert.Equal(6, result.Test.ConfusionMatrix.Sum(r => r.Sum()));
    }

    [Fact]
    public void Cremad_default_audio_is_the_ogm_ge_spectrogram()
    {
        DatasetSplits splits = CremaDDataset.Load(TinyLayouts.CremaD(perClass: 2), TinyLayouts.Options with { Spectrogram = null, ValidationFraction = 0.4 });
        Assert.Equal(new long[] { 1, 257, 188 }, splits.Modalities[0].Shape);
    }

    [Fact]
    public void Vggsound_reports_missing_clips_in_one_line_and_trains()
    {
        DatasetSplits splits = VggSoundDataset.Load(TinyLayouts.VggSound(missing: 4), TinyLayouts.Options);
        Assert.Equal(new[] { "dog barking", "playing piano", "rain" }, splits.ClassNames);
        string notice = Assert.Single(splits.Report.Notices);
        Assert.Contains("4 listed clip(s) have no audio or frame folder and are left out; 15 found", notice);
        Assert.Equal(3, splits.Test.Count);
        Assert.Equal(12, splits.Train.Count + splits.Validation.Count);
        Assert.Single(TrainOneEpoch(splits).History);
    }

    [Theory]
    [InlineData(false, ".npy")]
    [InlineData(true, ".npy")]
    [InlineData(false, ".safetensors")]
    public void Folder_manifest_reads_audio_frames_and_feature_vectors(bool jsonLines, string vectorExtension)
    {
        DatasetSplits splits = ManifestDataset.Load(TinyLayouts.Folder(jsonLines, vectorExtension), TinyLayouts.Options);
        Assert.Equal(new[] { "sound", "camera", "embedding" }, splits.Modalities.Select(m => m.Name));
        Assert.Equal(new[] { ModalityKind.Spectrogram, ModalityKind.Video, ModalityKind.Vector }, splits.Modalities.Select(m => m.Kind));
        Assert.Equal(new[] { "cat", "dog" }, splits.ClassNames);
        Assert.Equal((8, 2, 2), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        using Batch batch = splits.Test.GetBatch(new[] { 0, 1 }, Augmentation.None);
        // Test samples are s05 (cat) and s15 (dog), whose vectors are (c, 1 - c, k / 10).
        Assert.Equal(new[] { 0f, 1f, 0.5f, 1f, 0f, 0.5f }, batch.Inputs[2].data<float>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, batch.Labels.data<long>().ToArray());
        Assert.Single(TrainOneEpoch(splits).History);
    }

    [Fact]
    public void Npy_reads_float32_and_float64_vectors()
    {
        string folder = TestData.TempFolder();
        Assert.Equal(new[] { 1.5f, -2f }, NpyVector.Read(TinyLayouts.WriteNpy(Path.Combine(folder, "a.npy"), new[] { 1.5f, -2f })));
        Assert.Equal(new[] { 0.25f, 3f }, NpyVector.Read(TinyLayouts.WriteNpy(Path.Combine(folder, "b.npy"), new[] { 0.25f, 3f }, float64: true)));
    }

    [Fact]
    public void Spectrograms_are_computed_once_and_then_served_from_the_cache()
    {
        string root = TinyLayouts.CremaD(perClass: 1);
        var reader = new SpectrogramReader("audio", TinyLayouts.Options.Spectrogram!);
        string wav = Directory.EnumerateFiles(Path.Combine(root, CremaDDataset.AudioFolder)).First();
        float[] first = reader.Read(wav, false, new Random(0));
        File.Delete(wav);
        Assert.Same(first, reader.Read(wav, true, new Random(1)));
        Assert.Equal(1, reader.CachedCount);
    }
}
