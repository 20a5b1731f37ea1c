using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Inference;
using Equimodal.Tests.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Inference;

public class PredictorTests
{
    private sealed record TrainedRun(string Root, string Run, DatasetSplits Splits, string[] TestClips);

    private static readonly Lazy<TrainedRun> Trained = new(() =>
    {
        string root = TinyLayouts.CremaD();
        var config = new RunConfig
        {
            Dataset = new DatasetRequest { Name = "cremad", Path = root, Files = TinyLayouts.Options },
            Model = TestData.TinyModel,
            Training = TestData.ShortTraining with { Epochs = 1 },
        };
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        string run = TestData.TempFolder();
        Experiment.Run(config, splits, run);
        string[] clips = File.ReadAllLines(Path.Combine(root, "test.csv")).Select(l => l.Split(',')[0]).ToArray();
        return new TrainedRun(root, run, splits, clips);
    });

    private static string Manifest(TrainedRun trained, Func<int, string, string> line)
    {
        string path = Path.Combine(TestData.TempFolder(), "manifest.csv");
        File.WriteAllLines(path, new[] { "id,audio,visual" }.Concat(trained.TestClips.Select((clip, i) => line(i, clip))));
        return path;
    }

    private static string Line(TrainedRun trained, string clip, bool audio = true, bool visual = true) =>
        $"{clip},{(audio ? Path.Combine(trained.Root, CremaDDataset.AudioFolder, clip + ".wav") : "")},{(visual ? Path.Combine(trained.Root, CremaDDataset.FramesFolder, clip) : "")}";

    private static double[] Softmax(double[,] logits, int row)
    {
        int k = logits.GetLength(1);
        double max = Enumerable.Range(0, k).Max(c => logits[row, c]);
        double[] e = Enumerable.Range(0, k).Select(c => Math.Exp(logits[row, c] - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void Predictions_on_the_test_split_equal_evaluate_and_a_missing_modality_is_predicted_as_evaluate_missing_does()
    {
        TrainedRun trained = Trained.Value;
        using var model = new RunFolder(trained.Run).LoadModel();
        Evaluator.Scores full = Evaluator.Collect(model, trained.Splits.Test, 32, CPU);
        Evaluator.Scores noVisual = Evaluator.Collect(model, trained.Splits.Test, 32, CPU, new TestCondition(new[] { "visual" }, Array.Empty<Corruption>()));

        using Predictor predictor = Predictor.Open(trained.Run);
        // Every other sample lacks its frames: it must match evaluate --missing visual, the others plain evaluate.
        string manifest = Manifest(trained, (i, clip) => Line(trained, clip, visual: i % 2 == 0));
        var (predictions, failures) = predictor.PredictFiles(PredictionInputs.Read(manifest, new[] { "audio", "visual" }), batchSize: 4);

        Assert.Empty(failures);
        Assert.Equal(trained.TestClips, predictions.Select(p => p.Id));
        for (int i = 0; i < predictions.Count; i++)
        {
            Evaluator.Scores expected = i % 2 == 0 ? full : noVisual;
            Assert.Equal(i % 2 == 0 ? Array.Empty<string>() : new[] { "visual" }, predictions[i].Missing);
            Assert.Equal(Metrics.Predictions(expected.Fused)[i], predictions[i].Predicted);
            double[] probabilities = Softmax(expected.Fused, i);
            for (int c = 0; c < probabilities.Length; c++) Assert.Equal(probabilities[c], predictions[i].Probabilities[c], 5);
            Assert.Equal(1, predictions[i].Shares.Sum(), 5);
            // A missing modality has a zero embedding, so its share is 0 up to the epsilon that keeps the L2 pooling differentiable.
            if (i % 2 == 1) Assert.True(predictions[i].Shares[1] < 1e-4);
        }
    }

    [Fact]
    public void An_unreadable_file_is_a_failure_of_its_sample_and_the_others_are_predicted()
    {
        TrainedRun trained = Trained.Value;
        string broken = Path.Combine(TestData.TempFolder(), "broken.wav");
        File.WriteAllText(broken, "not a wav file");
        string manifest = Manifest(trained, (i, clip) => i == 0 ? $"{clip},{broken}," : Line(trained, clip));
        using Predictor predictor = Predictor.Open(trained.Run);
        var (predictions, failures) = predictor.PredictFiles(PredictionInputs.Read(manifest, new[] { "audio", "visual" }));
        PredictionFailure failure = Assert.Single(failures);
        Assert.Equal(trained.TestClips[0], failure.Id);
        Assert.Contains("broken.wav", failure.Reason);
        Assert.Equal(trained.TestClips.Length - 1, predictions.Count);
    }

    [Fact]
    public void The_run_records_its_resolved_preprocessing()
    {
        DatasetPreprocessing recorded = new RunFolder(Trained.Value.Run).ReadPreprocessing()!;
        InputPreprocessing audio = recorded.Of("audio")!;
        Assert.Equal("spectrogram", audio.Reader);
        Assert.Equal(TinyLayouts.Options.Spectrogram!.Resolve(), audio.Spectrogram);
        InputPreprocessing visual = recorded.Of("visual")!;
        Assert.Equal(TinyLayouts.Options.Image, visual.Image);
        Assert.Equal(Equimodal.Data.Images.ImageTransform.Mean, visual.PixelMean);
    }

    /// <summary>Writes a 28 x 28 grey PNG of the tiny AV-Digits image of <paramref name="digit"/>: black with a white bar on row 2 digit + 4.</summary>
    private static string DigitPng(string folder, int digit)
    {
        string path = Path.Combine(folder, $"digit{digit}.png");
        using var bitmap = new SKBitmap(28, 28, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(SKColors.Black);
        for (int x = 0; x < 28; x++) bitmap.SetPixel(x, 2 * digit + 4, SKColors.White);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    /// <summary>
    /// Trains one epoch on a tiny AV-Digits with <paramref name="degradation"/> and writes the user's files: the test
    /// recordings (FSDD rule: index 0-4, in name order as the test split) and a PNG of each one's digit (every tiny MNIST
    /// image of digit d is the same bar, so this is the image the recording was paired with), listed in a manifest.
    /// </summary>
    private static (string Run, DatasetSplits Splits, IReadOnlyList<PredictionSample> Samples) TrainAvDigits(AvDigitsOptions degradation)
    {
        // Indices 5 and 6 are training recordings: 4 per digit, one of them for validation.
        string root = TinyLayouts.AvDigits(new[] { "ann", "bob" }, indices: 7);
        var config = new RunConfig
        {
            Dataset = new DatasetRequest { Name = "avdigits", Path = root, Files = new DataLoadingOptions { ValidationFraction = 0.25 }, AvDigits = degradation },
            Model = TestData.TinyModel,
            Training = TestData.ShortTraining with { Epochs = 1 },
        };
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        string run = TestData.TempFolder();
        Experiment.Run(config, splits, run);
        string images = TestData.TempFolder();
        string[] recordings = Directory.GetFiles(Path.Combine(root, "fsdd", "recordings"), "*.wav").Order(StringComparer.Ordinal)
            .Where(f => int.Parse(Path.GetFileNameWithoutExtension(f).Split('_')[2]) <= 4).ToArray();
        string manifest = Path.Combine(TestData.TempFolder(), "manifest.csv");
        File.WriteAllLines(manifest, new[] { "id,audio,visual" }.Concat(recordings.Select(wav =>
            $"{Path.GetFileNameWithoutExtension(wav)},{wav},{DigitPng(images, Path.GetFileName(wav)[0] - '0')}")));
        return (run, splits, PredictionInputs.Read(manifest, new[] { "audio", "visual" }));
    }

    [Fact]
    public void An_av_digits_run_predicts_wav_and_png_files_as_evaluate_does_through_its_pca_removal_and_blur()
    {
        var (run, splits, samples) = TrainAvDigits(new AvDigitsOptions { ImagePcaRemoval = 0.5, ImageBlur = 1 });
        using var model = new RunFolder(run).LoadModel();
        Evaluator.Scores expected = Evaluator.Collect(model, splits.Test, 32, CPU);
        using Predictor predictor = Predictor.Open(run);
        var (predictions, failures) = predictor.PredictFiles(samples);

        Assert.Empty(failures);
        Assert.Equal(splits.Test.Count, predictions.Count);
        for (int i = 0; i < predictions.Count; i++)
        {
            Assert.Empty(predictions[i].Missing);
            double[] probabilities = Softmax(expected.Fused, i);
            for (int c = 0; c < probabilities.Length; c++) Assert.Equal(probabilities[c], predictions[i].Probabilities[c], 5);
        }
    }

    [Fact]
    public void An_av_digits_run_with_noise_and_occlusion_applies_them_to_each_file_the_same_in_any_batch_and_order()
    {
        var (run, _, samples) = TrainAvDigits(new AvDigitsOptions { AudioSnrDb = 5, ImageOcclusion = 0.3 });
        IReadOnlyDictionary<string, double[]> Probabilities(IReadOnlyList<PredictionSample> inputs, int batchSize)
        {
            using Predictor predictor = Predictor.Open(run);
            var (predictions, failures) = predictor.PredictFiles(inputs, batchSize);
            Assert.Empty(failures);
            return predictions.ToDictionary(p => p.Id, p => p.Probabilities.ToArray());
        }
        var inBatches = Probabilities(samples, 32);
        var oneByOneReversed = Probabilities(samples.Reverse().ToArray(), 1);
        // Equal up to the float rounding that differs between a batch of 32 and of 1.
        foreach (PredictionSample sample in samples)
            for (int c = 0; c < 10; c++) Assert.Equal(inBatches[sample.Id][c], oneByOneReversed[sample.Id][c], 1e-6);
        // The draw follows the id: the same files under another id get other noise and another hidden square.
        var renamed = Probabilities(new[] { samples[0] with { Id = "renamed" } }, 1)["renamed"];
        Assert.Contains(Enumerable.Range(0, 10), c => Math.Abs(renamed[c] - inBatches[samples[0].Id][c]) > 1e-5);
        // The recorded degradation is what changes them: without it in preprocessing.json the same files predict otherwise.
        var folder = new RunFolder(run);
        DatasetPreprocessing recorded = folder.ReadPreprocessing()!;
        folder.WritePreprocessing(recorded with { Inputs = new[] { recorded.Inputs[0] with { NoiseSnrDb = null }, recorded.Inputs[1] with { Occlusion = 0 } } });
        var clean = Probabilities(samples, 32);
        Assert.Contains(samples, s => Enumerable.Range(0, 10).Any(c => Math.Abs(clean[s.Id][c] - inBatches[s.Id][c]) > 1e-3));
    }
}
