using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Bench;

/// <summary>
/// `step-parts`: where a joint training step's time goes, part by part, on one fixed batch of the default model, as
/// bare TorchSharp calls and as the trainer adds them (the divergence guard, the .item() reads, the dispose scope).
/// The parts are timed in turn, repetition after repetition, in CPU time of this process as well as wall time, so it stays readable on a loaded
/// machine; `python3 bench/pytorch/equimodal_torch.py parts` prints the same parts for PyTorch.
/// </summary>
public static class StepPartsBenchmark
{
    /// <summary>Runs the benchmark; options: --threads N (1), --batch N (32), --repetitions N (20).</summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--threads", "--batch", "--repetitions");
        int threads = DeviceSelector.ConfigureThreads(options.Integer("--threads", 1));
        int batchSize = options.Integer("--batch", 32), repetitions = options.Integer("--repetitions", 20);
        torch.manual_seed(1);
        DatasetSplits splits = SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = 300 });
        using MultimodalClassifier model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, new ModelOptions());
        using Batch batch = splits.Train.GetBatch(Enumerable.Range(0, batchSize).ToArray(), Augmentation.None);
        var training = new TrainingOptions();
        optim.Optimizer optimizer = OptimizerFactory.Create(model, training);
        var method = new JointMethod(new MethodSettings());
        method.Setup(new MethodContext(model, optimizer, splits, training, CPU));
        var info = new StepInfo(0, 0, 0, 1);
        var runner = new StepRunner(training);
        model.train();
        Console.WriteLine($"default model, batch {batchSize}, {threads} thread(s), median of {repetitions} after 3 warm-up repetitions; CPU ms = this process's CPU time");
        Console.WriteLine();
        Console.WriteLine("| part | wall ms | CPU ms |");
        Console.WriteLine("|---|---:|---:|");

        // Single libtorch calls at the shapes of the audio encoder's first stage, to tell kernels from everything around them.
        using Tensor features = randn(batchSize, 16, 32, 32).requires_grad_(true);
        using Tensor kernel = randn(16, 16, 3, 3).mul_(0.1).requires_grad_(true);
        using Tensor scale = ones(16).requires_grad_(true), shift = zeros(16).requires_grad_(true);
        using Tensor runningMean = zeros(16), runningVariance = ones(16);
        Tensor Loss() => nn.functional.cross_entropy(model.Forward(batch.Inputs).Logits, batch.Labels);
        var parts = new List<(string Name, Action Action)>
        {
            ("conv2d 3x3 16->16 on [batch,16,32,32]: forward", () => nn.functional.conv2d(features, kernel, padding: new long[] { 1, 1 })),
            ("conv2d 3x3 16->16 on [batch,16,32,32]: forward + backward", () => nn.functional.conv2d(features, kernel, padding: new long[] { 1, 1 }).sum().backward()),
            ("batch_norm (training) on [batch,16,32,32]: forward + backward", () =>
                nn.functional.batch_norm(features, runningMean, runningVariance, scale, shift, training: true).sum().backward()),
            ("forward + cross-entropy", () => Loss()),
            ("forward + backward", () => Loss().backward()),
            ("zero_grad", () => optimizer.zero_grad()),
            ("AdamW step", () => optimizer.step()),
            ("divergence guard (gradient norm)", () => DivergenceGuard.CheckGradients(model.parameters(), method, info, training)),
            ("bare step: zero_grad, forward, backward, step", () =>
            {
                optimizer.zero_grad();
                Loss().backward();
                optimizer.step();
            }),
            ("bare step + loss.item() + correct.item()", () =>
            {
                optimizer.zero_grad();
                Tensor logits = model.Forward(batch.Inputs).Logits;
                Tensor loss = nn.functional.cross_entropy(logits, batch.Labels);
                loss.item<float>();
                loss.backward();
                optimizer.step();
                logits.argmax(1).eq(batch.Labels).sum().item<long>();
            }),
            ("trainer's step (StepRunner: + loss check, gradient guard, To, method hooks)", () =>
            {
                Batch selected = batch.To(CPU);
                StepResult step = runner.Step(method, optimizer, model.parameters(), info, () => method.ComputeLoss(selected, info),
                    output => method.Backward(output, info), () => method.AdjustGradients(info));
                method.AfterOptimizerStep(step.Output, info);
                step.Output.Logits.argmax(1).eq(selected.Labels).sum().item<long>();
            }),
        };
        Report(parts, repetitions);
        return 0;
    }

    /// <summary>Times every part once per repetition, in turn, so a slow phase of the machine hits all parts alike.</summary>
    private static void Report(IReadOnlyList<(string Name, Action Action)> parts, int repetitions)
    {
        var wall = parts.Select(_ => new List<double>()).ToArray();
        var cpu = parts.Select(_ => new List<double>()).ToArray();
        using Process self = Process.GetCurrentProcess();
        for (int r = -3; r < repetitions; r++)
            {
                for (int p = 0; p < parts.Count; p++)
                {
                    self.Refresh();
                    TimeSpan cpuStart = self.TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    using (NewDisposeScope()) parts[p].Action();
                    watch.Stop();
                    self.Refresh();
                    if (r < 0) continue;
                    wall[p].Add(watch.Elapsed.TotalMilliseconds);
                    cpu[p].Add((self.TotalProcessorTime - cpuStart).TotalMilliseconds);
                }
        }
        for (int p = 0; p < parts.Count; p++)
                Console.WriteLine($"| {parts[p].Name} | {StepTimeBenchmark.Median(wall[p]):F2} | {StepTimeBenchmark.Median(cpu[p]):F2} |");
    }
}
