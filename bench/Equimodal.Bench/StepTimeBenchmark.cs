using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Bench;

/// <summary>
/// `step-time`: milliseconds per training step of each method relative to `joint`, measured in one run by the real
/// trainer (same data, model, seed and batch size for all). A step's time is the interval between two consecutive
/// steps of the training loop (loading wait, the step, the loop's bookkeeping); the first warm-up steps of every
/// measurement (JIT, first allocations) and everything outside the loop (set-up such as UMT's teachers, validation)
/// are not counted. Methods run in rounds, every method once per round, starting one method later each round so that
/// no method always runs first; the median over rounds of each measurement's median step is reported.
/// </summary>
public static class StepTimeBenchmark
{
    /// <summary>
    /// Default method list: attr-reg with Gradient x Input and with IG at 8 steps, and the peers. A method's options
    /// follow '@' as key=value pairs separated by ';'. valuation starts re-sampling after epoch 1 (warmup=1) so that the
    /// measured epochs include its extra copies.
    /// </summary>
    public const string DefaultMethods = "joint,attr-reg,attr-reg@attribution=ig;ig-steps=8,attr-reg-published,ogm-ge,modality-dropout,mmpareto,agm,gblend,mla,valuation@warmup=1,umt,mmcosine,cml,lfm,relearning@every=1,pmr,opm,amco,reconboost,mbsd,greedy";

    /// <summary>Runs the benchmark; options: --methods LIST, --rounds N (3), --epochs N (2), --samples N (900), --threads N (2), --batch N (32), --warmup N (3 steps).</summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--methods", "--rounds", "--epochs", "--samples", "--threads", "--batch", "--warmup");
        string[] methods = options.Text("--methods", DefaultMethods).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!methods.Contains("joint")) methods = methods.Prepend("joint").ToArray();
        string[] unmeasured = MethodRegistry.Methods.Select(m => m.Name).Except(methods.Select(MethodName)).ToArray();
        int rounds = options.Integer("--rounds", 3);
        var setup = new StepTimeSetup(
            new TrainingOptions { Epochs = options.Integer("--epochs", 2), BatchSize = options.Integer("--batch", 32), Threads = options.Integer("--threads", 2), Device = "cpu", Seed = 1 },
            new ModelOptions(), SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = options.Integer("--samples", 900) }), options.Integer("--warmup", 3));
        Console.WriteLine($"synthetic audio-visual, {setup.Splits.Train.Count} training samples, batch {setup.Training.BatchSize}, {setup.Training.Epochs} epochs per measurement " +
            $"({setup.WarmupSteps} warm-up steps not counted), encoder {setup.Model.Encoder} (width {setup.Model.Width}, depth {setup.Model.Depth}), " +
            $"{setup.Training.Threads} threads, median of {rounds} rounds");
        if (unmeasured.Length > 0) Console.WriteLine($"registered methods not measured: {string.Join(", ", unmeasured)}");

        var times = methods.ToDictionary(m => m, _ => new List<StepTimes>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (string entry in Rotate(methods, round)) times[entry].Add(setup.Measure(entry));
        }

        // CPU time per step moves less than wall time when other work shares the machine (it does not count waiting for a core).
        double Wall(string entry) => Median(times[entry].Select(t => t.Wall));
        double Cpu(string entry) => Median(times[entry].Select(t => t.Cpu));
        Console.WriteLine();
        Console.WriteLine($"load average after the measurements: {LoadAverage()}");
        Console.WriteLine("| method | ms per step | x joint | CPU ms per step | x joint (CPU) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (string entry in methods)
            Console.WriteLine($"| {entry} | {Wall(entry):F1} | {Wall(entry) / Wall("joint"):F2} | {Cpu(entry):F1} | {Cpu(entry) / Cpu("joint"):F2} |");
        Console.WriteLine();
        Console.WriteLine($"peak resident memory: {PeakResidentMegabytes():F0} MiB");
        Console.WriteLine($"garbage collections (generation 0, 1, 2): {GC.CollectionCount(0)}, {GC.CollectionCount(1)}, {GC.CollectionCount(2)}; gen0 budget {GC.GetGCMemoryInfo().GenerationInfo[0].SizeAfterBytes / 1024} KiB after the last");
        return 0;
    }

    /// <summary>The method name of a --methods entry ("name" or "name@key=value;...").</summary>
    public static string MethodName(string entry) => entry.Split('@')[0];

    /// <summary><paramref name="items"/> starting at item <paramref name="round"/> (modulo the count), wrapping around.</summary>
    public static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, int round) =>
        Enumerable.Range(0, items.Count).Select(i => items[(i + round) % items.Count]);

    /// <summary>The median of <paramref name="values"/> (mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), or "unknown": printed with measurements of a shared machine.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The process's peak resident set size in MiB (VmHWM, Linux), or NaN where /proc is not available.</summary>
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}

/// <summary>Time of one step (or one evaluation batch) in ms: wall time and the process's CPU time.</summary>
/// <param name="Wall">Wall-clock milliseconds.</param>
/// <param name="Cpu">CPU milliseconds of every thread of the process.</param>
public readonly record struct StepTimes(double Wall, double Cpu);

/// <summary>What one step-time measurement trains: options, architecture, data, and the warm-up steps left out.</summary>
/// <param name="Training">Optimisation settings (epochs, batch, threads).</param>
/// <param name="Model">Architecture.</param>
/// <param name="Splits">The data.</param>
/// <param name="WarmupSteps">Steps at the start of each measurement that are not counted (at least 1).</param>
public sealed record StepTimeSetup(TrainingOptions Training, ModelOptions Model, DatasetSplits Splits, int WarmupSteps)
{
    /// <summary>
    /// One epoch of synthetic data shaped like <paramref name="shapes"/> whose training split holds
    /// <paramref name="warmupSteps"/> + <paramref name="timedSteps"/> steps of <paramref name="samplesPerStep"/> samples
    /// (over all ranks), with small validation and test splits so that evaluation costs little.
    /// </summary>
    public static StepTimeSetup OneEpoch(TrainingOptions training, ModelOptions model, SyntheticOptions shapes, int samplesPerStep, int timedSteps, int warmupSteps)
    {
        int trainingSamples = (timedSteps + warmupSteps) * samplesPerStep;
        // Validation and test splits of about 5% each, but at least two samples per class each (an empty validation split
        // selects no epoch); a class's worth of slack against the stratified split's rounding.
        int heldOut = Math.Max((int)Math.Ceiling(trainingSamples * 0.05 / 0.9), 2 * shapes.Classes);
        int samples = trainingSamples + 2 * heldOut + shapes.Classes;
        var data = shapes with { Samples = samples, ValidationFraction = (double)heldOut / samples, TestFraction = (double)heldOut / samples };
        return new StepTimeSetup(training with { Epochs = 1 }, model, SyntheticAudioVisual.Generate(data), warmupSteps);
    }

    /// <summary>
    /// Trains <paramref name="entry"/> ("name" or "name@key=value;...") with the real trainer, data-parallel over
    /// <paramref name="collective"/> when given (default: one process); after the warm-up, the median step's wall time and the process's CPU
    /// time per step (all threads: compute, prefetching, runtime), in ms.
    /// </summary>
    public StepTimes Measure(string entry, ICollective? collective = null)
    {
        (string name, MethodSettings settings) = Parse(entry);
        var clock = new StepClock();
        var trainer = new Trainer(Training, Model, clock, collective);
        trainer.Fit(MethodRegistry.Create(name, settings), Splits);
        trainer.Model!.Dispose();
        return clock.Times(Math.Max(1, WarmupSteps));
    }

    /// <summary>
    /// Evaluation throughput as every epoch's validation pays it (<see cref="Evaluator.Collect"/>: fused and modality
    /// logits, Gradient x Input shares): ms per batch of a pass over the training split, after a warm-up pass over its
    /// first <see cref="WarmupSteps"/> batches. The model has its initial weights.
    /// </summary>
    public StepTimes EvaluationPerBatch()
    {
        DeviceSelector.ConfigureThreads(Training.Threads);
        TorchSharp.torch.manual_seed(Training.Seed);
        using MultimodalClassifier model = ModelFactory.Create(Splits.Modalities, Splits.ClassNames.Count, Model);
        var warmup = new DatasetSubset(Splits.Train, Enumerable.Range(0, Math.Min(Splits.Train.Count, Math.Max(1, WarmupSteps) * Training.BatchSize)).ToArray());
        Evaluator.Collect(model, warmup, Training.BatchSize, TorchSharp.torch.CPU);
        TimeSpan cpu = ProcessorTime();
        var watch = Stopwatch.StartNew();
        Evaluator.Collect(model, Splits.Train, Training.BatchSize, TorchSharp.torch.CPU);
        int batches = (Splits.Train.Count + Training.BatchSize - 1) / Training.BatchSize;
        return new StepTimes(watch.Elapsed.TotalMilliseconds / batches, (ProcessorTime() - cpu).TotalMilliseconds / batches);
    }

    private static TimeSpan ProcessorTime()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static (string Name, MethodSettings Settings) Parse(string entry)
    {
        int at = entry.IndexOf('@');
        return (StepTimeBenchmark.MethodName(entry), at < 0 ? new MethodSettings() : MethodSettings.Parse(entry[(at + 1)..].Split(';')));
    }

    /// <summary>Records when each training step ends; a step's time is the interval since the previous one in the same epoch.</summary>
    private sealed class StepClock : ITrainingObserver
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly List<double> _intervals = new();
        private readonly List<TimeSpan> _processorTimes = new();
        private double _previous = double.NaN;
        private int _epoch = -1;

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
            double now = _watch.Elapsed.TotalMilliseconds;
            _processorTimes.Add(ProcessorTime());
            // Intervals spanning validation (epoch ends) and the first step of the run are not step times.
            if (epoch == _epoch && step > 0) _intervals.Add(now - _previous);
            _epoch = epoch;
            _previous = now;
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
        }

        /// <summary>
        /// After the first <paramref name="warmupSteps"/> steps of the run (whose first has no interval): the median step
        /// interval, and the CPU time from the end of the warm-up to the last step divided by the steps (one epoch).
        /// </summary>
        public StepTimes Times(int warmupSteps)
        {
            List<double> measured = _intervals.Skip(warmupSteps - 1).ToList();
            if (measured.Count == 0) throw new InvalidOperationException($"No step was measured after {warmupSteps} warm-up steps: give more samples or epochs.");
            int steps = _processorTimes.Count - warmupSteps;
            return new StepTimes(StepTimeBenchmark.Median(measured), (_processorTimes[^1] - _processorTimes[warmupSteps - 1]).TotalMilliseconds / steps);
        }
    }
}
