using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Models;
using Equimodal.Training;
using NAudio.Wave;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Bench.Data;

/// <summary>
/// The pipeline of datasets read from files (cremad, vggsound, folder): a generated CREMA-D layout with clips shaped
/// like the real ones (2.5 s WAV at 22,050 Hz, three 480 x 360 JPEG frames at 1 fps) in the default settings (OGM-GE
/// spectrogram 257 x 188, 3 frames of 112 x 112 with random resized crop and flip). Reports samples per second of the
/// pipeline (first epoch: WAV decode + STFT + JPEG decode; later epochs: cached spectrograms, JPEG decoded again) against
/// the training step of the default model, and the end-to-end rate of training from files with prefetching.
/// </summary>
internal static class FilePipelineBenchmark
{
    private const int BatchSize = 16;
    private const int FramesPerClip = 3;

    public static int Run(int clips, int threads)
    {
        DeviceSelector.ConfigureThreads(threads);
        string root = Path.Combine(Path.GetTempPath(), $"equimodal-bench-files-{Environment.ProcessId}");
        try
        {
            var clock = Stopwatch.StartNew();
            WriteCremaD(root, clips);
            Console.WriteLine($"wrote {clips} clips (WAV + {FramesPerClip} JPEG frames each) in {clock.Elapsed.TotalSeconds:F1} s");
            var options = new DataLoadingOptions { ValidationFraction = 0.1 };
            DatasetSplits splits = CremaDDataset.Load(root, options);
            var loader = new BatchLoader(splits.Train, BatchSize, shuffle: true, seed: 1);

            double cold = StepThroughput.Read(new PrefetchingLoader(loader).Batches(0, training: true));
            double warm = StepThroughput.Read(new PrefetchingLoader(loader).Batches(1, training: true));
            Console.WriteLine($"pipeline, batches of {BatchSize} ({splits.Train.Count} training clips): first epoch {cold:F1} samples/s, later epochs {warm:F1} samples/s");

            torch.manual_seed(1);
            using MultimodalClassifier model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, new ModelOptions());
            var steps = new StepThroughput(model);
            // Batches held in memory: the step alone, with nothing to wait for.
            List<Batch> inMemory = loader.Batches(2, training: true).Take(4).ToList();
            steps.Train(inMemory.Take(1)); // warm-up step: one-off kernel setup is not measured
            double step = steps.Train(inMemory.Skip(1));
            double endToEnd = steps.Train(new PrefetchingLoader(loader).Batches(3, training: true));
            Console.WriteLine($"training step (joint, default model, {threads} threads): {step:F1} samples/s from memory; from files with prefetching {endToEnd:F1} samples/s ({endToEnd / step:F2}x)");
            Console.WriteLine($"pipeline / training: first epoch {cold / step:F1}x, later epochs {warm / step:F1}x (target >= 3x)");
            return 0;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteCremaD(string root, int clips)
    {
        var random = new Random(7);
        var train = new List<string>();
        var test = new List<string>();
        for (int i = 0; i < clips; i++)
        {
            string label = CremaDDataset.Classes[i % CremaDDataset.Classes.Count];
            string clip = $"{1001 + i}_DFA_{label}_XX";
            WriteWav(Path.Combine(root, CremaDDataset.AudioFolder, clip + ".wav"), random);
            for (int f = 1; f <= FramesPerClip; f++) WriteFrame(Path.Combine(root, CremaDDataset.FramesFolder, clip, $"frame_{f:D4}.jpg"), random);
            (i % 5 == 4 ? test : train).Add($"{clip},{label}");
        }
        File.WriteAllLines(Path.Combine(root, "train.csv"), train);
        File.WriteAllLines(Path.Combine(root, "test.csv"), test);
    }

    /// <summary>2.5 s of a tone in noise, 22,050 Hz mono 16-bit PCM (CREMA-D's clips last 2.5 s on average).</summary>
    private static void WriteWav(string path, Random random)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        const int rate = 22_050;
        double frequency = 200 + 600 * random.NextDouble();
        var samples = new byte[rate * 5 / 2 * 2];
        for (int i = 0; i < samples.Length / 2; i++)
        {
            double value = 0.3 * Math.Sin(2 * Math.PI * frequency * i / rate) + 0.05 * (random.NextDouble() - 0.5);
            BitConverter.TryWriteBytes(samples.AsSpan(2 * i), (short)(value * short.MaxValue));
        }
        using var writer = new WaveFileWriter(path, new WaveFormat(rate, 16, 1));
        writer.Write(samples, 0, samples.Length);
    }

    /// <summary>A 480 x 360 frame (CREMA-D's video size) of shapes over a gradient, so the JPEG is not trivially compressible.</summary>
    private static void WriteFrame(string path, Random random)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(480, 360);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var gradient = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(480, 360),
                new[] { new SKColor((byte)random.Next(256), 80, 160), new SKColor(40, (byte)random.Next(256), 90) }, SKShaderTileMode.Clamp) };
            canvas.DrawRect(0, 0, 480, 360, gradient);
            for (int s = 0; s < 40; s++)
            {
                using var paint = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) };
                canvas.DrawCircle(random.Next(480), random.Next(360), 5 + random.Next(40), paint);
            }
        }
        using SKData encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
