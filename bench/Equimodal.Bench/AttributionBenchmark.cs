using System.Diagnostics;
using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Bench;

/// <summary>
/// `attribution`: times one attribution call (GxI, IG at 8 and 32 steps; input and embedding level; plain and
/// differentiable) and one forward+backward training pass of the same batch, and the perturbation methods (occlusion,
/// feature ablation, KernelSHAP, LIME at their defaults) against one forward pass of their (smaller) batch, on the
/// synthetic audio-visual benchmark with the default CPU model, and prints medians and ratios as Markdown tables.
/// </summary>
public static class AttributionBenchmark
{
    /// <summary>
    /// Runs the benchmark; options: --batch N (32), --repetitions N (5), --threads N (2), --seed N (0),
    /// --methods gradient|perturbation|all (all), --perturbation-batch N (4), --perturbation-repetitions N (3).
    /// </summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--batch", "--repetitions", "--threads", "--seed", "--methods", "--perturbation-batch", "--perturbation-repetitions");
        int batchSize = options.Integer("--batch", 32), repetitions = options.Integer("--repetitions", 5);
        string methods = options.Text("--methods", "all");
        if (methods is not ("gradient" or "perturbation" or "all")) throw new ArgumentException($"--methods must be gradient, perturbation or all, got '{methods}'.");
        int threads = DeviceSelector.ConfigureThreads(options.Integer("--threads", 2));
        torch.manual_seed(options.Integer("--seed", 0));

        var data = new SyntheticOptions();
        DatasetSplits splits = SyntheticAudioVisual.Generate(data);
        var modelOptions = new ModelOptions();
        using MultimodalClassifier model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, modelOptions);
        using Batch batch = splits.Train.GetBatch(Enumerable.Range(0, batchSize).ToArray(), Augmentation.None);
        Console.WriteLine($"synthetic audio-visual: audio {string.Join("x", splits.Modalities[0].Shape)}, visual {string.Join("x", splits.Modalities[1].Shape)}; " +
            $"encoder {modelOptions.Encoder} (width {modelOptions.Width}, depth {modelOptions.Depth}), fusion {modelOptions.Fusion}; batch {batchSize}; " +
            $"{threads} threads; median of {repetitions} after one warm-up");
        if (methods != "perturbation") GradientMethods(model, batch, batchSize, repetitions);
        if (methods != "gradient")
        {
            using Batch small = splits.Train.GetBatch(Enumerable.Range(0, options.Integer("--perturbation-batch", 4)).ToArray(), Augmentation.None);
            PerturbationMethods(model, small, options.Integer("--perturbation-repetitions", 3));
        }
        return 0;
    }

    /// <summary>The gradient methods against one training pass of the batch.</summary>
    private static void GradientMethods(MultimodalClassifier model, Batch batch, int batchSize, int repetitions)
    {
        double training = Median(repetitions, () =>
        {
            model.train();
            model.zero_grad();
            nn.functional.cross_entropy(model.Forward(batch.Inputs).Logits, batch.Labels).backward();
        });
        model.zero_grad();

        var rows = new List<(string Method, string Level, string Mode, double Milliseconds)>();
        var target = AttributionTarget.Classes(batch.Labels);
        Tensor[] embeddings;
        using (no_grad()) embeddings = model.Encode(batch.Inputs).Select(e => e.detach().requires_grad_(true)).ToArray();
        foreach (var (name, method, steps) in new (string, AttributionMethod, int)[]
        {
            ("GxI", new GradientTimesInput(model), 1), ("IG 8", new IntegratedGradients(model), 8), ("IG 32", new IntegratedGradients(model), 32),
        })
        {
            // Input-level IG runs steps x batch rows through the encoders; chunks of 8 x batch bound the memory.
            var plain = new AttributionOptions { Steps = steps, ComputeDelta = false, InternalBatchSize = 8 * batchSize };
            rows.Add((name, "input", "plain", Median(repetitions, () => method.Attribute(batch.Inputs, target, plain).Dispose())));
            rows.Add((name, "embedding", "plain", Median(repetitions, () => method.Attribute(batch.Inputs, target, plain with { Layer = AttributionLayer.Embedding }).Dispose())));
            // What a training step pays on top of its own forward and backward: attribution of the embeddings it already
            // has with the graph kept, plus the backward of a share loss (double backward) down to the embeddings (the
            // step's single backward through the encoders is shared with its classification loss, so it is not counted).
            rows.Add((name, "embedding (given)", "differentiable + loss backward", Median(repetitions, () =>
            {
                model.zero_grad();
                using AttributionResult result = method.AttributeEmbeddings(embeddings, target, plain with { Differentiable = true });
                AttributionShares.BatchMean(AttributionShares.Shares(result.PerModality))[0].backward();
            })));
        }
        rows.Add(("IG 32 + delta", "input", "plain", Median(repetitions, () =>
            new IntegratedGradients(model).Attribute(batch.Inputs, target, new AttributionOptions { Steps = 32, InternalBatchSize = 8 * batchSize }).Dispose())));

        Console.WriteLine();
        Console.WriteLine($"forward+backward (training pass) of the batch: {training:F1} ms");
        Console.WriteLine();
        Console.WriteLine("| method | level | mode | time (ms) | x forward+backward |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var (method, level, mode, ms) in rows)
            Console.WriteLine($"| {method} | {level} | {mode} | {ms:F1} | {ms / training:F2} |");
    }

    /// <summary>
    /// The perturbation methods at the input level with their defaults, against one forward pass (evaluation mode, no
    /// graph) of the same batch: the ratio is the cost per sample in forward passes.
    /// </summary>
    private static void PerturbationMethods(MultimodalClassifier model, Batch batch, int repetitions)
    {
        long samples = batch.Labels.shape[0];
        var target = AttributionTarget.Classes(batch.Labels);
        double forward = Median(repetitions, () =>
        {
            using var evaluation = new EvaluationModeScope(model);
            using var noGrad = no_grad();
            model.Forward(batch.Inputs);
        });
        Console.WriteLine();
        Console.WriteLine($"forward pass (evaluation mode, no graph) of {samples} samples: {forward:F1} ms; perturbation methods: median of {repetitions}, " +
            $"{AttributionOptions.DefaultPerturbationRowsPerPass} rows per forward pass, default segmentations and windows");
        Console.WriteLine();
        Console.WriteLine("| method | forward rows per sample | time (ms) | x forward pass |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, method, options) in new (string, AttributionMethod, AttributionOptions)[]
        {
            ("occlusion", new Occlusion(model), new AttributionOptions()),
            ("feature ablation", new FeatureAblation(model), new AttributionOptions()),
            // The cost grows linearly with the coalitions: at the default (2 x 80 groups + 2048) it is about 8.6 times this.
            ("KernelSHAP 256", new KernelShap(model), new AttributionOptions { PerturbationSamples = 256 }),
            ("LIME 256", new Lime(model), new AttributionOptions { PerturbationSamples = 256 }),
        })
        {
            long rows = 0;
            var counted = options with { Progress = (_, total) => rows = total };
            double ms = Median(repetitions, () => method.Attribute(batch.Inputs, target, counted).Dispose());
            Console.WriteLine($"| {name} | {rows / samples} | {ms:F1} | {ms / forward:F1} |");
        }
    }

    /// <summary>Median wall time in milliseconds of <paramref name="action"/> over <paramref name="repetitions"/> runs after one warm-up.</summary>
    private static double Median(int repetitions, Action action)
    {
        var times = new double[repetitions];
        for (int r = -1; r < repetitions; r++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            action();
            watch.Stop();
            if (r >= 0) times[r] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }
}
