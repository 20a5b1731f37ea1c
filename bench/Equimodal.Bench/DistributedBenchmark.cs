using System.Diagnostics;
using System.Globalization;
using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Bench;

/// <summary>
/// `distributed`: the cost of data-parallel training, run under `mpirun -np N` (bench/distributed/run.sh runs 1 and 2
/// ranks and prints the table). Every rank trains joint with the real trainer on its shard of synthetic data for one
/// epoch of warm-up plus timed steps; rank 0 reports the median step time (the interval between the ends of two
/// consecutive steps, which includes the gradient all-reduce), the median time of the step's gradient all-reduce (the
/// MPI_Allreduce call on the one flat float buffer, including the wait for the slower rank) and the samples per second
/// of the whole job (ranks x batch per rank / step time). With one rank there is no all-reduce.
/// </summary>
public static class DistributedBenchmark
{
    /// <summary>Runs the benchmark; options: --encoder small|resnet18 (small), --batch N per rank (32, ResNet-18 8), --steps N timed (20), --warmup N (3), --threads N per rank (1).</summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--encoder", "--batch", "--steps", "--warmup", "--threads");
        string encoder = options.Text("--encoder", "small");
        bool resnet = encoder == "resnet18";
        if (!resnet && encoder != "small") throw new ArgumentException($"--encoder must be small or resnet18, got '{encoder}'.");
        int batch = options.Integer("--batch", resnet ? 8 : 32), steps = options.Integer("--steps", 20), warmup = options.Integer("--warmup", 3);
        // ResNet-18 gets CREMA-D's input sizes (257 x 188 spectrogram, 3 frames of 224 x 224); the default model the synthetic defaults.
        SyntheticOptions shapes = resnet ? new SyntheticOptions { FrequencyBins = 257, TimeSteps = 188, ImageSize = 224, Frames = 3 } : new SyntheticOptions();
        ICollective collective = CollectiveLauncher.Open("auto");
        return DataParallelJob.Run(collective, () =>
        {
            var timed = new TimedCollective(collective);
            StepTimeSetup setup = StepTimeSetup.OneEpoch(
                new TrainingOptions { BatchSize = batch, Threads = options.Integer("--threads", 1), Device = "cpu", Seed = 1 },
                new ModelOptions { Encoder = encoder }, shapes, collective.World * batch, steps, warmup);
            StepTimes step = setup.Measure("joint", timed);
            if (collective.Rank != 0) return 0;
            double[] allReduce = timed.GradientAllReduces.Skip(warmup).ToArray();
            string allReduceText = allReduce.Length == 0 ? "n/a" : StepTimeBenchmark.Median(allReduce).ToString("F1", CultureInfo.InvariantCulture);
            double samplesPerSecond = collective.World * batch * 1000.0 / step.Wall;
            Console.WriteLine($"{(resnet ? "ResNet-18" : "default model")}, spectrogram {shapes.FrequencyBins}x{shapes.TimeSteps}, {shapes.Frames} frames of {shapes.ImageSize}x{shapes.ImageSize}, " +
                $"{collective.World} rank(s) x batch {batch}, {setup.Training.Threads} thread(s) per rank, {setup.Splits.Train.Count} training samples, " +
                $"{warmup} warm-up steps; {(collective.World == 1 ? "no all-reduce" : $"gradient buffer {timed.GradientFloats:N0} floats")}; load average {StepTimeBenchmark.LoadAverage()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT encoder={encoder} ranks={collective.World} batch={batch} step_ms={step.Wall:F1} allreduce_ms={allReduceText} samples_per_s={samplesPerSecond:F2}"));
            return 0;
        }, message => Console.Error.WriteLine($"error: {message}"));
    }

    /// <summary>Passes every operation to the job's collective and times the float all-reduces (the gradients: one per step for joint).</summary>
    private sealed class TimedCollective(ICollective inner) : ICollective
    {
        private readonly List<double> _gradientAllReduces = new();

        public int Rank => inner.Rank;

        public int World => inner.World;

        /// <summary>Milliseconds of each float all-reduce, in call order.</summary>
        public IReadOnlyList<double> GradientAllReduces => _gradientAllReduces;

        /// <summary>Length of the last float all-reduce (the flat gradient buffer).</summary>
        public int GradientFloats { get; private set; }

        public void AllReduceSum(Span<float> values)
        {
            var clock = Stopwatch.StartNew();
            inner.AllReduceSum(values);
            _gradientAllReduces.Add(clock.Elapsed.TotalMilliseconds);
            GradientFloats = values.Length;
        }

        public void AllReduceSum(Span<double> values) => inner.AllReduceSum(values);

        public void Broadcast(Span<byte> bytes, int root = 0) => inner.Broadcast(bytes, root);

        public void Barrier() => inner.Barrier();

        public void Abort(int exitCode) => inner.Abort(exitCode);
    }
}
