using Equimodal.Data;
using Equimodal.Data.Audio;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using SkiaSharp;

namespace Equimodal.Tests.Data;

public class RecordedReadersTests
{
    private static readonly InputPreprocessing OccludedGrey = new()
    {
        Modality = "visual", Reader = "frames", Shape = new long[] { 1, 1, 28, 28 },
        Image = new ImageSettings { Size = 28, Channels = 1, Frames = 1 }, PixelMean = new[] { 0.5f }, PixelStd = new[] { 0.25f }, Occlusion = 0.25,
    };

    [Fact]
    public void A_recorded_occlusion_hides_one_square_of_the_recorded_area_drawn_from_the_readers_generator()
    {
        string png = TestMedia.WriteImage(Path.Combine(TestData.TempFolder(), "white.png"), 28, 28, SKColors.White);
        IModalityReader reader = RecordedReaders.Create(OccludedGrey);
        float[] values = reader.Read(png, false, new Random(3));
        // White is (1 - 0.5) / 0.25 = 2, a hidden pixel (0 - 0.5) / 0.25 = -2; side round(sqrt(0.25 * 784)) = 14.
        int[] hidden = Enumerable.Range(0, values.Length).Where(i => values[i] == -2f).ToArray();
        Assert.Equal(196, hidden.Length);
        Assert.Equal(784 - 196, values.Count(v => v == 2f));
        int top = hidden.Min(i => i / 28), left = hidden.Min(i => i % 28);
        Assert.All(hidden, i => Assert.True(i / 28 - top < 14 && i % 28 - left < 14, $"pixel {i} outside the square at ({top}, {left})"));
        Assert.Equal(values, reader.Read(png, false, new Random(3)));
        Assert.NotEqual(values, reader.Read(png, false, new Random(4)));
        Assert.Equal(0.25, reader.Preprocessing.Occlusion);
        // Without occlusion nothing is hidden.
        Assert.All(RecordedReaders.Create(OccludedGrey with { Occlusion = 0 }).Read(png, false, new Random(3)), v => Assert.Equal(2f, v));
    }

    [Theory]
    [InlineData("cremad")]
    [InlineData("vggsound")]
    [InlineData("folder")]
    public void A_run_s_file_dataset_is_read_as_its_recorded_preprocessing_says_whatever_the_configuration_says(string name)
    {
        string root = name switch { "cremad" => TinyLayouts.CremaD(), "vggsound" => TinyLayouts.VggSound(), _ => TinyLayouts.Folder(jsonLines: false) };
        DatasetSplits trained = DatasetCatalog.Load(new DatasetRequest { Name = name, Path = root, Files = TinyLayouts.Options });
        // A configuration that reads other inputs: a larger spectrogram, smaller frames, one frame per clip.
        DataLoadingOptions other = TinyLayouts.Options with
        {
            Spectrogram = TinyLayouts.Options.Spectrogram! with { MelBands = 24, Seconds = 0.5 },
            Image = new ImageSettings { Size = 12, Frames = 1 },
        };
        DatasetSplits reread = DatasetCatalog.Load(new DatasetRequest { Name = name, Path = root, Files = other }, trained.Preprocessing);
        DatasetSplits configured = DatasetCatalog.Load(new DatasetRequest { Name = name, Path = root, Files = other });
        Assert.Equal(trained.Modalities.Select(m => m.Shape), reread.Modalities.Select(m => m.Shape));
        Assert.All(trained.Modalities.Zip(configured.Modalities).Where(p => p.First.Kind != ModalityKind.Vector), p => Assert.NotEqual(p.First.Shape, p.Second.Shape));
        Assert.Equal(trained.Preprocessing, reread.Preprocessing, new JsonEquality<DatasetPreprocessing>());
        int[] all = Enumerable.Range(0, trained.Test.Count).ToArray();
        using Batch expected = trained.Test.GetBatch(all, Augmentation.None), actual = reread.Test.GetBatch(all, Augmentation.None);
        for (int m = 0; m < expected.Inputs.Count; m++) Assert.True(expected.Inputs[m].equal(actual.Inputs[m]).all().item<bool>(), $"{name}: modality {m}");
    }

    /// <summary>Records compared by their JSON (they hold lists, which records compare by reference).</summary>
    private sealed class JsonEquality<T> : IEqualityComparer<T>
    {
        public bool Equals(T? x, T? y) => System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(T obj) => System.Text.Json.JsonSerializer.Serialize(obj).GetHashCode();
    }

    [Fact]
    public void A_recorded_noise_level_adds_white_noise_of_that_snr_before_the_spectrogram()
    {
        string wav = TestMedia.WriteTone(Path.Combine(TestData.TempFolder(), "tone.wav"), 440, 8000, 1.0);
        var settings = new SpectrogramSettings { SampleRate = 8000, FftSize = 256, HopLength = 160, MelBands = 32, Seconds = 1.0 };
        var recorded = new InputPreprocessing { Modality = "audio", Reader = "spectrogram", Shape = new long[] { 1, 32, 51 }, Spectrogram = settings, NoiseSnrDb = 10 };
        IModalityReader reader = RecordedReaders.Create(recorded);
        AudioClip clip = WavReader.Read(wav);
        var frontEnd = new SpectrogramFrontEnd(settings);
        Assert.Equal(frontEnd.Compute(clip.WithWhiteNoise(10, new Random(5))), reader.Read(wav, false, new Random(5)));
        Assert.NotEqual(frontEnd.Compute(clip), reader.Read(wav, false, new Random(5)));
        Assert.Equal(10, reader.Preprocessing.NoiseSnrDb);
    }

    [Fact]
    public void White_noise_has_the_power_the_snr_asks_for()
    {
        // A constant 0.5 has power 0.25; 10 dB below it is 0.025, a standard deviation of sqrt(0.025) = 0.158.
        var clip = new AudioClip(Enumerable.Repeat(0.5f, 20_000).ToArray(), 8000);
        float[] noise = clip.WithWhiteNoise(10, new Random(1)).Samples.Select(v => v - 0.5f).ToArray();
        double mean = noise.Average(v => (double)v), std = Math.Sqrt(noise.Average(v => (double)v * v) - mean * mean);
        // 20000 draws: the standard error of the mean is 0.0011 and of the standard deviation 0.0008; 5 of each allowed.
        Assert.Equal(0, mean, 0.0056);
        Assert.Equal(Math.Sqrt(0.025), std, 0.004);
        Assert.Equal(clip.Samples, clip.WithWhiteNoise(300, new Random(1)).Samples);
    }

    [Fact]
    public void A_predicted_samples_generator_comes_from_its_id_by_fnv_1a()
    {
        // Published FNV-1a 32-bit test vectors: "" -> 0x811c9dc5, "a" -> 0xe40c292c (as signed 32-bit integers).
        Assert.Equal(unchecked((int)0x811c9dc5u), SeedStreams.PredictedSample(""));
        Assert.Equal(unchecked((int)0xe40c292cu), SeedStreams.PredictedSample("a"));
        Assert.NotEqual(SeedStreams.PredictedSample("0_ann_1"), SeedStreams.PredictedSample("0_ann_2"));
    }
}
