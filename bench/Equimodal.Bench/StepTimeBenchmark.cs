using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Bench;

/// <summary>
/// `step-time`: seconds per training step of each method relative to `joint`, measured in one run by the real trainer
/// (same data, model, seed and batch size for all; validation and set-up such as UMT's teachers are not counted).
/// Methods are run in rounds (every method once per round) so slow phases of a shared machine hit all of them alike;
/// the median over rounds is reported.
/// </summary>
public static class StepTimeBenchmark
{
    /// <summary>
    /// Default method list: attr-reg with Gradient x Input and with IG at 8 steps, and the peers. A method's options
    /// follow '@' as key=value pairs separated by ';'. valuation starts re-sampling after epoch 1 (warmup=1) so that the
    /// measured epochs include its extra copies.
    /// </summary>
    public const string DefaultMethods = "joint,attr-reg,attr-reg@attribution=ig;steps=8,attr-reg-published,ogm-ge,modality-dropout,mmpareto,agm,gblend,mla,valuation@warmup=1,umt,mmcosine,cml,lfm,relearning@every=1,pmr,opm,amco,reconboost,mbsd,greedy";

    /// <summary>Runs the benchmark; options: --methods LIST, --rounds N (3), --epochs N (2), --samples N (900), --threads N (2), --batch N (32).</summary>
    public static int Run(string[] args)
    {
        var options = new BenchmarkArguments(args, "--methods", "--rounds", "--epochs", "--samples", "--threads", "--batch");
        string[] methods = options.Text("--methods", DefaultMethods).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!methods.Contains("joint")) methods = methods.Prepend("joint").ToArray();
        int rounds = options.Integer("--rounds", 3);
        var training = new TrainingOptions
        {
            Epochs = options.Integer("--epochs", 2), BatchSize = options.Integer("--batch", 32), Threads = options.Integer("--threads", 2), Device = "cpu", Seed = 1,
        };
        DatasetSplits splits = SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = options.Integer("--samples", 900) });
        var modelOptions = new ModelOptions();
        Console.WriteLine($"synthetic audio-visual, {splits.Train.Count} training samples, batch {training.BatchSize}, {training.Epochs} epochs per measurement, " +
            $"encoder {modelOptions.Encoder} (width {modelOptions.Width}, depth {modelOptions.Depth}), {training.Threads} threads, median of {rounds} rounds");

        var seconds = methods.ToDictionary(m => m, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (string entry in methods)
            {
                (string name, MethodSettings settings) = Parse(entry);
                var trainer = new Trainer(training, modelOptions);
                seconds[entry].Add(trainer.Fit(MethodRegistry.Create(name, settings), splits).SecondsPerStep);
                trainer.Model!.Dispose();
            }
        }

        double joint = Median(seconds["joint"]);
        Console.WriteLine();
        Console.WriteLine("| method | ms per step | x joint |");
        Console.WriteLine("|---|---:|---:|");
        foreach (string entry in methods)
            Console.WriteLine($"| {entry} | {1000 * Median(seconds[entry]):F1} | {Median(seconds[entry]) / joint:F2} |");
        return 0;
    }

    private static (string Name, MethodSettings Settings) Parse(string entry)
    {
        int at = entry.IndexOf('@');
        return at < 0 ? (entry, new MethodSettings()) : (entry[..at], MethodSettings.Parse(entry[(at + 1)..].Split(';')));
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
