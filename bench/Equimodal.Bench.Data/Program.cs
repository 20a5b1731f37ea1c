// Data pipeline benchmark on AV-Digits: how fast samples are produced (cold feature extraction, cached batches
// through the prefetching loader) against how fast a training step consumes them.
// Usage: dotnet run -c Release --project bench/Equimodal.Bench.Data -- [DATA_ROOT] [THREADS]
using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

string root = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "datasets");
int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
const int batchSize = 64;
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

var loader = new BatchLoader(splits.Train, batchSize, shuffle: true, seed: 1);
clock.Restart();
long produced = 0;
foreach (Batch batch in new PrefetchingLoader(loader).Batches(0, training: true))
{
    produced += batch.Size;
    batch.Dispose();
}
double pipeline = produced / clock.Elapsed.TotalSeconds;
Console.WriteLine($"cached pipeline (prefetched batches of {batchSize}): {pipeline:F0} samples/s");

torch.manual_seed(1);
// The encoders of the measured CLI runs in docs/data.md (--width 8 --depth 2).
using MultimodalClassifier model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, new ModelOptions { Width = 8, Depth = 2 });
var optimizer = optim.AdamW(model.parameters(), 1e-3);
double Train(IEnumerable<Batch> batches)
{
    var timer = Stopwatch.StartNew();
    long seen = 0;
    foreach (Batch batch in batches)
    {
        using var scope = NewDisposeScope();
        using Batch owned = batch;
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.Forward(owned.Inputs).Logits, owned.Labels);
        loss.backward();
        optimizer.step();
        seen += owned.Size;
    }
    return seen / timer.Elapsed.TotalSeconds;
}
model.train();
Train(loader.Batches(99, training: true)); // warm-up epoch: the first pass pays one-off kernel setup and is not measured
double plain = Train(loader.Batches(1, training: true));
double prefetched = Train(new PrefetchingLoader(loader).Batches(2, training: true));
Console.WriteLine($"training step (joint, width 8, depth 2, {threads} threads): {plain:F0} samples/s; with prefetching: {prefetched:F0} samples/s");
Console.WriteLine($"pipeline / training: cold {total / loadSeconds / plain:F1}x, cached {pipeline / plain:F1}x");
return 0;
