using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;

namespace Equimodal.Bench.Data;

/// <summary>AV-Digits: cold feature extraction and cached, prefetched batches against the training step.</summary>
internal static class AvDigitsPipelineBenchmark
{
    private const int BatchSize = 64;

    public static int Run(string root, int threads)
    {
        if (!Directory.Exists(root))
        {
            Console.Error.WriteLine($"AV-Digits data not found at {Path.GetFullPath(root)} (needs fsdd/recordings and mnist10k; see docs/data.md).");
            return 1;
        }
        DeviceSelector.ConfigureThreads(threads);
        var clock = Stopwatch.StartNew();
        DatasetSplits splits = AvDigitsDataset.Load(root, new DataLoadingOptions(), new AvDigitsOptions());
        double loadSeconds = clock.Elapsed.TotalSeconds;
        int total = splits.Train.Count + splits.Validation.Count + splits.Test.Count;
        Console.WriteLine($"cold load (WAV decode + log-mel + IDX + pairing): {total} samples in {loadSeconds:F2} s = {total / loadSeconds:F0} samples/s");

        var loader = new BatchLoader(splits.Train, BatchSize, shuffle: true, seed: 1);
        double pipeline = StepThroughput.Read(new PrefetchingLoader(loader).Batches(0, training: true));
        Console.WriteLine($"cached pipeline (prefetched batches of {BatchSize}): {pipeline:F0} samples/s");

        torch.manual_seed(1);
        // The encoders of the measured CLI runs in docs/data.md (--width 8 --depth 2).
        using MultimodalClassifier model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, new ModelOptions { Width = 8, Depth = 2 });
        var steps = new StepThroughput(model);
        steps.Train(loader.Batches(99, training: true)); // warm-up epoch: the first pass pays one-off kernel setup and is not measured
        double plain = steps.Train(loader.Batches(1, training: true));
        double prefetched = steps.Train(new PrefetchingLoader(loader).Batches(2, training: true));
        Console.WriteLine($"training step (joint, width 8, depth 2, {threads} threads): {plain:F0} samples/s; with prefetching: {prefetched:F0} samples/s");
        Console.WriteLine($"pipeline / training: cold {total / loadSeconds / plain:F1}x, cached {pipeline / plain:F1}x");
        return 0;
    }
}
