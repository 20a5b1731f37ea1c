using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Runtime;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Equimodal.Bench;

/// <summary>
/// `pytorch`: Equimodal against the same model and steps written in plain PyTorch (bench/pytorch/equimodal_torch.py,
/// run by Debian's python3-torch). Each measurement trains one method on one configuration, Equimodal in this process
/// with the real trainer, PyTorch in a fresh Python process; the two sides alternate (Equimodal first in even rounds,
/// PyTorch first in odd ones) and the method order rotates between rounds, so a slow phase of a shared machine hits
/// both. Both sides leave out the same number of warm-up steps and report the median step's wall time and the process's
/// CPU time per step; the table gives the medians over rounds and the ratios Equimodal / PyTorch.
/// </summary>
public static class PyTorchComparison
{
    private static readonly string[] TrainingMethods = { "joint", "attr-reg" };

    /// <summary>
    /// Runs the comparison; options: --rounds N (3), --python PATH (/usr/bin/python3), --script FILE (found from the
    /// working folder or the binary), --configs LIST (all), --check-run DIR and --check-weights FILE (an exported run whose
    /// logits both sides must agree on before anything is timed), --memory 0|1 (1: peak RSS of a joint run per side), --memory-epochs N (10).
    /// </summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--rounds", "--python", "--script", "--configs", "--check-run", "--check-weights", "--memory", "--memory-epochs");
        var python = new PythonSide(options.Text("--python", "/usr/bin/python3"), options.Text("--script", FindScript()));
        string checkRun = options.Text("--check-run", ""), checkWeights = options.Text("--check-weights", "");
        if (checkRun.Length > 0) CheckSameNetwork(python, checkRun, checkWeights);

        string[] names = options.Text("--configs", string.Join(",", Configuration.All.Select(c => c.Name))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Configuration[] configurations = names.Select(Configuration.Named).ToArray();
        int rounds = options.Integer("--rounds", 3);
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average {StepTimeBenchmark.LoadAverage()}; {rounds} rounds; PyTorch {python.Version()}, libtorch 2.10 (TorchSharp {typeof(torch).Assembly.GetName().Version})");
        NativeRuntime.Prepare();
        string glibc = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is { } threshold ? $"MALLOC_MMAP_THRESHOLD_={threshold}" : "glibc malloc defaults";
        Console.WriteLine($"Equimodal: oneDNN {(NativeRuntime.OneDnnEnabled ? "on" : "off")}; PyTorch: oneDNN {python.OneDnn()}; both: {glibc}");

        var rows = new List<Row>();
        foreach (Configuration configuration in configurations)
        {
            StepTimeSetup setup = configuration.Setup();
            string[] methods = configuration.Evaluation ? new[] { "evaluate" } : TrainingMethods;
            var measured = methods.ToDictionary(m => m, _ => new List<(StepTimes Equimodal, StepTimes PyTorch)>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (string method in StepTimeBenchmark.Rotate(methods, round))
                {
                    Func<StepTimes> ours = () => method == "evaluate" ? setup.EvaluationPerBatch() : setup.Measure(method);
                    Func<StepTimes> theirs = () => python.Measure(configuration, method);
                    (StepTimes e, StepTimes p) = round % 2 == 0 ? (ours(), theirs()) : Swap(theirs(), ours());
                    measured[method].Add((e, p));
                    Console.WriteLine(FormattableString.Invariant(
                        $"  round {round + 1}, {configuration.Name}, {method}: Equimodal {e.Wall:F1} ms ({e.Cpu:F1} CPU), PyTorch {p.Wall:F1} ms ({p.Cpu:F1} CPU), ratio {e.Wall / p.Wall:F2} (load {StepTimeBenchmark.LoadAverage()})"));
                }
            }
            rows.AddRange(methods.Select(m => new Row(configuration, m, measured[m])));
        }

        Console.WriteLine();
        Console.WriteLine("| configuration | step | Equimodal ms | PyTorch ms | Equimodal / PyTorch | per-round ratios | Equimodal CPU ms | PyTorch CPU ms | CPU ratio |");
        Console.WriteLine("|---|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (Row row in rows) Console.WriteLine(row.Markdown());

        if (options.Integer("--memory", 1) == 1)
        {
            int epochs = options.Integer("--memory-epochs", 10);
            Console.WriteLine();
            Console.WriteLine($"Peak resident memory of a joint run (default model, 1 thread, {epochs} epochs of the 1,800-sample synthetic set, {StepsPerEpoch * epochs} steps):");
            Console.WriteLine($"  Equimodal: {EquimodalPeakMegabytes(epochs):F0} MiB (the trainer: dataset, model, validation and test passes)");
            Console.WriteLine($"  PyTorch:   {python.PeakMegabytes(StepsPerEpoch * epochs):F0} MiB (the training loop over the same number of samples)");
        }
        return 0;
    }

    private static (StepTimes Equimodal, StepTimes PyTorch) Swap(StepTimes pyTorch, StepTimes equimodal) => (equimodal, pyTorch);

    /// <summary>Loads the exported run in both frameworks and has Python assert equal logits on the same random batch.</summary>
    private static void CheckSameNetwork(PythonSide python, string runFolder, string weights)
    {
        if (weights.Length == 0) throw new ArgumentException("--check-run needs --check-weights (the run exported with 'equimodal export --format pt').");
        using var scope = NewDisposeScope();
        using MultimodalClassifier model = new RunFolder(runFolder).LoadModel();
        model.eval();
        var defaults = new SyntheticOptions();
        torch.manual_seed(7);
        var check = new Dictionary<string, Tensor>
        {
            ["audio"] = randn(8, 1, defaults.FrequencyBins, defaults.TimeSteps),
            ["visual"] = randn(new long[] { 8, defaults.Frames, 3, defaults.ImageSize, defaults.ImageSize }),
        };
        using (no_grad()) check["logits"] = model.Forward(new[] { check["audio"], check["visual"] }).Logits;
        string file = Path.Combine(Path.GetTempPath(), $"equimodal-check-{Environment.ProcessId}.pt");
        using (FileStream stream = File.Create(file)) PyTorchPickler.PickleStateDict(stream, check);
        try
        {
            Console.WriteLine(python.Run("check", weights, file).Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    // 1,080 training samples of the 1,800-sample synthetic set in batches of 32.
    private const int StepsPerEpoch = 34;

    private static double EquimodalPeakMegabytes(int epochs)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is unknown.");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") arguments.Add(typeof(PyTorchComparison).Assembly.Location);
        arguments.AddRange(new[] { "step-time", "--methods", "joint", "--rounds", "1", "--epochs", $"{epochs}", "--samples", "1800", "--threads", "1" });
        string output = ExternalProcess.Run(self, arguments);
        string line = output.Split('\n').Single(l => l.StartsWith("peak resident memory:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture);
    }

    private static string FindScript()
    {
        const string relative = "bench/pytorch/equimodal_torch.py";
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return relative;
    }

    /// <summary>One compared configuration: model, data shapes, threads and how many steps are timed.</summary>
    private sealed record Configuration(string Name, string Encoder, int Threads, int Batch, int Frequency, int Time, int Image, int Frames, int Steps, int Warmup, bool Evaluation)
    {
        public static readonly Configuration[] All =
        {
            new("default-1t", "small", 1, 32, 32, 32, 24, 3, 10, 3, false),
            new("default-2t", "small", 2, 32, 32, 32, 24, 3, 10, 3, false),
            new("resnet18-cremad-2t", "resnet18", 2, 8, 257, 188, 224, 3, 3, 2, false),
            new("evaluate-1t", "small", 1, 32, 32, 32, 24, 3, 10, 3, true),
            new("evaluate-2t", "small", 2, 32, 32, 32, 24, 3, 10, 3, true),
        };

        public static Configuration Named(string name) => All.FirstOrDefault(c => c.Name == name)
            ?? throw new ArgumentException($"Unknown configuration '{name}'. Valid: {string.Join(", ", All.Select(c => c.Name))}.");

        /// <summary>The Equimodal side: synthetic data whose training split holds warm-up plus timed batches, one epoch.</summary>
        public StepTimeSetup Setup() => StepTimeSetup.OneEpoch(
            new TrainingOptions { BatchSize = Batch, Threads = Threads, Device = "cpu", Seed = 1 }, new ModelOptions { Encoder = Encoder },
            new SyntheticOptions { FrequencyBins = Frequency, TimeSteps = Time, ImageSize = Image, Frames = Frames }, Batch, Steps, Warmup);

        public string[] PythonArguments(string method) => new[]
        {
            "time", "--method", method, "--encoder", Encoder, "--threads", Threads.ToString(CultureInfo.InvariantCulture),
            "--batch", Batch.ToString(CultureInfo.InvariantCulture), "--steps", Steps.ToString(CultureInfo.InvariantCulture),
            "--warmup", Warmup.ToString(CultureInfo.InvariantCulture), "--frequency", Frequency.ToString(CultureInfo.InvariantCulture),
            "--time", Time.ToString(CultureInfo.InvariantCulture), "--image", Image.ToString(CultureInfo.InvariantCulture),
            "--frames", Frames.ToString(CultureInfo.InvariantCulture),
        };

        public string Describe() => Evaluation
            ? $"evaluation, default model, {Threads} thread{(Threads > 1 ? "s" : "")}, batch {Batch}"
            : $"{(Encoder == "small" ? "default model" : "ResNet-18")}, {Frequency}x{Time} / {Frames}x{Image}x{Image}, {Threads} thread{(Threads > 1 ? "s" : "")}, batch {Batch}";
    }

    private sealed record Row(Configuration Configuration, string Method, List<(StepTimes Equimodal, StepTimes PyTorch)> Rounds)
    {
        public string Markdown()
        {
            double e = StepTimeBenchmark.Median(Rounds.Select(r => r.Equimodal.Wall)), p = StepTimeBenchmark.Median(Rounds.Select(r => r.PyTorch.Wall));
            double eCpu = StepTimeBenchmark.Median(Rounds.Select(r => r.Equimodal.Cpu)), pCpu = StepTimeBenchmark.Median(Rounds.Select(r => r.PyTorch.Cpu));
            string ratios = string.Join(", ", Rounds.Select(r => (r.Equimodal.Wall / r.PyTorch.Wall).ToString("F2", CultureInfo.InvariantCulture)));
            return FormattableString.Invariant($"| {Configuration.Describe()} | {Method} | {e:F1} | {p:F1} | {e / p:F2} | {ratios} | {eCpu:F1} | {pCpu:F1} | {eCpu / pCpu:F2} |");
        }
    }

    /// <summary>The PyTorch side: one Python process per measurement.</summary>
    private sealed record PythonSide(string Interpreter, string Script)
    {
        public string Run(params string[] arguments) => ExternalProcess.Run(Interpreter, arguments.Prepend(Script));

        public string Version() => ExternalProcess.Run(Interpreter, new[] { "-c", "import torch; print(torch.__version__)" }).Trim();

        /// <summary>Whether the script's PyTorch uses oneDNN (off with BENCH_PYTORCH_MKLDNN=0).</summary>
        public string OneDnn() => ExternalProcess.Run(Interpreter, new[] { "-c", "import os, torch; print('off' if os.environ.get('BENCH_PYTORCH_MKLDNN') == '0' or not torch.backends.mkldnn.is_available() else 'on')" }).Trim();

        /// <summary>Median ms per step (evaluation: mean ms per batch, as the Equimodal side measures it) and CPU ms per step.</summary>
        public StepTimes Measure(Configuration configuration, string method)
        {
            using JsonDocument result = JsonDocument.Parse(Run(configuration.PythonArguments(method)));
            return new StepTimes(result.RootElement.GetProperty(method == "evaluate" ? "ms_mean" : "ms_per_step").GetDouble(),
                result.RootElement.GetProperty("cpu_ms_per_step").GetDouble());
        }

        public double PeakMegabytes(int steps)
        {
            const int warmup = 3;
            using JsonDocument result = JsonDocument.Parse(Run("time", "--method", "joint", "--threads", "1", "--steps", $"{steps - warmup}", "--warmup", $"{warmup}", "--samples", "1800"));
            return result.RootElement.GetProperty("peak_rss_mb").GetDouble();
        }
    }
}

/// <summary>Runs a program to completion and returns its standard output; a non-zero exit is an error carrying its standard error.</summary>
public static class ExternalProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public static string Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(" ", start.ArgumentList)} failed with exit code {process.ExitCode}:\n{output}{error.Result}");
        return output;
    }
}
