using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Runtime;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Bench;

/// <summary>
/// `scalar-race`: makes TorchSharp 0.107's Scalar race frequent and counts the failures it causes. TorchSharp passes a
/// Scalar's native handle to libtorch without keeping the managed object alive, so when nothing else holds the Scalar
/// (an implicit conversion such as <c>x * 0.5</c>, or the <c>alpha</c> of 1 inside <c>a + b</c>) a garbage collection
/// during the native call can run its finalizer, which frees the value the kernel is about to read: libtorch then
/// reports a Scalar of unknown type ("toFloat") or computes with a wrong value. Here one thread collects and runs
/// finalizers in a tight loop and others keep the cores busy, so the calling thread is often suspended inside the
/// native call while a collection runs. Workloads: <c>implicit</c> (TorchSharp operators with implicit Scalars, checked
/// against the exact result), <c>held</c> (the same operations with held Scalars, the control), and <c>train</c>
/// (Equimodal's trainer on a tiny synthetic task, every registered method in turn; a run fails when it throws or
/// its weights differ from the same run without the collector).
/// </summary>
public static class ScalarRaceBenchmark
{
    private static readonly Scalar One = 1.ToScalar(), Half = 0.5.ToScalar(), Two = 2.ToScalar();

    /// <summary>Runs the benchmark; options: --workload implicit|held|train (train), --seconds N (60), --spinners N (2), --methods LIST (every registered method).</summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--workload", "--seconds", "--spinners", "--methods");
        string workload = options.Text("--workload", "train");
        var duration = TimeSpan.FromSeconds(options.Integer("--seconds", 60));
        int spinners = options.Integer("--spinners", 2);
        NativeRuntime.Prepare();
        torch.set_num_threads(1);
        Func<Outcome> iteration = workload switch
        {
            "implicit" => ImplicitScalars,
            "held" => HeldScalars,
            "train" => TrainingRuns(options.Text("--methods", string.Join(",", MethodRegistry.Methods.Select(m => m.Name)))),
            _ => throw new ArgumentException($"Unknown --workload '{workload}': use implicit, held or train."),
        };
        Console.WriteLine($"workload {workload}, {duration.TotalSeconds:F0} s, a collecting thread and {spinners} busy threads, load average {StepTimeBenchmark.LoadAverage()}");

        using var stop = new CancellationTokenSource();
        var helpers = new List<Thread> { new(() => { while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); } }) };
        for (int i = 0; i < spinners; i++) helpers.Add(new Thread(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }));
        foreach (Thread helper in helpers) { helper.IsBackground = true; helper.Start(); }

        int iterations = 0, wrong = 0, thrown = 0;
        var firstFailures = new List<string>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Outcome outcome = iteration();
            iterations++;
            if (outcome.Correct) continue;
            if (outcome.Threw) thrown++;
            else wrong++;
            if (firstFailures.Count < 10) firstFailures.Add(outcome.Detail);
        }
        stop.Cancel();
        foreach (Thread helper in helpers) helper.Join();

        Console.WriteLine($"{iterations} iterations in {clock.Elapsed.TotalSeconds:F0} s: {thrown} threw, {wrong} computed a wrong result; load average {StepTimeBenchmark.LoadAverage()}");
        foreach (string failure in firstFailures) Console.WriteLine($"  {failure}");
        return thrown + wrong == 0 ? 0 : 1;
    }

    private readonly record struct Outcome(bool Correct, bool Threw, string Detail)
    {
        public static Outcome Of(string label, Func<(bool Correct, string Detail)> work)
        {
            try
            {
                var (correct, detail) = work();
                return new Outcome(correct, false, $"{label}: {detail}");
            }
            catch (Exception exception)
            {
                return new Outcome(false, true, $"{label}: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            }
        }
    }

    // Operations whose Scalars only TorchSharp's stack frames refer to: the alpha of `a + b`, `x * 0.5`, `pow(2)`.
    private static Outcome ImplicitScalars() => Outcome.Of("implicit", () =>
    {
        using var scope = NewDisposeScope();
        Tensor x = ones(64);
        for (int i = 0; i < 200; i++) x = (x + x) * 0.5 + x.pow(2) - x; // stays 1
        return Check(x);
    });

    private static Outcome HeldScalars() => Outcome.Of("held", () =>
    {
        using var scope = NewDisposeScope();
        Tensor x = ones(64);
        for (int i = 0; i < 200; i++) x = x.add(x, One).mul(Half).add(x.pow(Two), One).sub(x);
        return Check(x);
    });

    private static (bool, string) Check(Tensor x)
    {
        float value = x.sum().item<float>();
        return (value == 64, $"sum {value} instead of 64");
    }

    // Each call trains the next method for two short epochs and compares its weights with the same run made before the collector started.
    private static Func<Outcome> TrainingRuns(string methodList)
    {
        var splits = SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = 120, FrequencyBins = 16, TimeSteps = 16, ImageSize = 12, Frames = 2 });
        var model = new ModelOptions { Width = 4, Depth = 1, MlpHidden = 16, FusionHidden = 16 };
        var reference = new Dictionary<string, string>();
        foreach (string method in methodList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                reference[method] = TrainChecksum(method, splits, model);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                Console.WriteLine($"  {method} left out: {exception.Message.Split('\n')[0]}");
            }
        }
        string[] methods = reference.Keys.ToArray();
        int next = 0;
        return () =>
        {
            string method = methods[next++ % methods.Length];
            return Outcome.Of(method, () => (TrainChecksum(method, splits, model) == reference[method], "trained to different weights"));
        };
    }

    private static string TrainChecksum(string method, DatasetSplits splits, ModelOptions model)
    {
        var trainer = new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 3 }, model);
        trainer.Fit(MethodRegistry.Create(method), splits);
        using MultimodalClassifier trained = trainer.Model!;
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (_, tensor) in trained.state_dict())
            hash.AppendData(tensor.cpu().bytes);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
