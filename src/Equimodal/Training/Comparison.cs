using System.Text.Json;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Reporting;
using TorchSharp;

namespace Equimodal.Training;

/// <summary>One planned training of a comparison.</summary>
/// <param name="Method">Row name: the method, or a variant's name (its method is <c>Config.Method</c>).</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Config">The run's full configuration.</param>
/// <param name="Folder">The run folder (DIR/runs/{method}-seed{seed}).</param>
public sealed record ComparisonRun(string Method, int Seed, RunConfig Config, string Folder);

/// <summary>
/// What `equimodal compare` does: trains every method with every seed into DIR/runs/{method}-seed{seed} (a run whose
/// results.json exists is read back instead of retrained, so an interrupted comparison resumes), computes the same
/// diagnostics for every run, and writes DIR/results.json, DIR/results.md and PNG plots.
/// </summary>
public sealed class Comparison
{
    /// <summary>File name of the comparison's results.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>File name of the summary table.</summary>
    public const string MarkdownFile = "results.md";

    /// <summary>Sub-folder holding one run folder per method and seed.</summary>
    public const string RunsFolder = "runs";

    /// <summary>File listing the grid, one line per run: index, method, seed, run folder (written by <see cref="WritePlan"/>).</summary>
    public const string PlanFile = "plan.tsv";

    /// <summary>Environment variables a cluster scheduler sets to a job's index in an array: Slurm job arrays, Kubernetes Indexed Jobs.</summary>
    public static readonly string[] IndexVariables = { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" };

    private readonly IReadOnlyList<IModelDiagnostic> _diagnostics;

    /// <summary>Diagnostics run on every trained model unless others are given: exact Shapley values over test accuracy.</summary>
    public static IReadOnlyList<IModelDiagnostic> DefaultDiagnostics { get; } = new IModelDiagnostic[] { new ShapleyAccuracyDiagnostic() };

    /// <summary>
    /// Plans the comparison of <paramref name="methods"/>, each trained with seeds <c>baseConfig.Training.Seed</c> to
    /// <c>Seed + seeds - 1</c>. A method option "METHOD:key=value" applies to METHOD only; "key=value" to every method.
    /// <paramref name="variants"/> names rows that train a method with options of their own (name to method, e.g.
    /// "uni" to "attr-reg"): such a row takes its method's options, then those prefixed with its own name ("uni:key=value"),
    /// so one comparison can hold a method and its variants side by side.
    /// </summary>
    public Comparison(RunConfig baseConfig, IReadOnlyList<string> methods, int seeds, string outputFolder, IReadOnlyList<IModelDiagnostic>? diagnostics = null,
        IReadOnlyDictionary<string, string>? variants = null)
    {
        if (methods.Count == 0) throw new ArgumentException("--methods needs at least one method.");
        if (methods.Distinct().Count() != methods.Count) throw new ArgumentException($"--methods lists a method twice: {string.Join(",", methods)}.");
        if (seeds <= 0) throw new ArgumentException($"--seeds must be a positive integer, got {seeds}.");
        Variants = variants ?? new Dictionary<string, string>();
        CheckVariants(Variants, methods);
        foreach (string method in methods) MethodRegistry.Validate(MethodOf(method));
        CheckOptionPrefixes(baseConfig.MethodOptions, methods);
        OutputFolder = Path.GetFullPath(outputFolder);
        Methods = methods;
        Seeds = Enumerable.Range(baseConfig.Training.Seed, seeds).ToArray();
        _diagnostics = diagnostics ?? DefaultDiagnostics;
        Runs = methods.SelectMany(row => Seeds.Select(seed => new ComparisonRun(row, seed,
            baseConfig with
            {
                Method = MethodOf(row),
                MethodOptions = RowOptions(row, baseConfig.MethodOptions),
                Training = baseConfig.Training with { Seed = seed },
            },
            Path.Combine(OutputFolder, RunsFolder, $"{row}-seed{seed}")))).ToArray();
        foreach (ComparisonRun run in Runs) MethodRegistry.Create(run.Config.Method, new MethodSettings(run.Config.MethodOptions));
    }

    /// <summary>Rows that train a method with options of their own: row name to method name.</summary>
    public IReadOnlyDictionary<string, string> Variants { get; }

    private string MethodOf(string row) => Variants.TryGetValue(row, out string? method) ? method : row;

    private IReadOnlyDictionary<string, string> RowOptions(string row, IReadOnlyDictionary<string, string> options)
    {
        string method = MethodOf(row);
        if (method == row) return OptionsFor(method, options);
        var result = new Dictionary<string, string>(OptionsFor(method, options), StringComparer.Ordinal);
        foreach ((string key, string value) in options.Where(o => o.Key.StartsWith($"{row}:", StringComparison.Ordinal))) result[key[(row.Length + 1)..]] = value;
        return result;
    }

    private static void CheckVariants(IReadOnlyDictionary<string, string> variants, IReadOnlyList<string> methods)
    {
        foreach ((string name, string method) in variants)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9._-]*$"))
                throw new ArgumentException($"--variant {name}={method}: a variant's name must be lower-case letters, digits, '.', '_' or '-' (it names the run folders).");
            if (MethodRegistry.IsKnown(name)) throw new ArgumentException($"--variant {name}={method}: '{name}' is a method's own name; give the variant another name.");
            if (!MethodRegistry.IsKnown(method)) throw new ArgumentException($"--variant {name}={method}: unknown method '{method}'. Valid methods: {MethodRegistry.ValidNames}.");
            if (!methods.Contains(name)) throw new ArgumentException($"--variant {name}={method} is not listed in --methods ({string.Join(",", methods)}); add it there to train it.");
        }
    }

    // A prefixed option that reaches no row is a typo or a forgotten --methods entry, not something to ignore silently.
    private void CheckOptionPrefixes(IReadOnlyDictionary<string, string> options, IReadOnlyList<string> rows)
    {
        var reached = rows.Concat(rows.Select(MethodOf)).ToHashSet(StringComparer.Ordinal);
        foreach (string key in options.Keys.Where(k => k.Contains(':')))
        {
            string prefix = key[..key.IndexOf(':')];
            if (!reached.Contains(prefix))
                throw new ArgumentException($"--method-option {key}: '{prefix}' is neither a method nor a variant of --methods ({string.Join(",", rows)}).");
        }
    }

    /// <summary>Absolute path of the comparison folder.</summary>
    public string OutputFolder { get; }

    /// <summary>Methods, in the order given.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Seeds of every method.</summary>
    public IReadOnlyList<int> Seeds { get; }

    /// <summary>Every training, method by method, seed by seed.</summary>
    public IReadOnlyList<ComparisonRun> Runs { get; }

    /// <summary>The options of <paramref name="method"/>: unprefixed ones and those prefixed "method:" (prefix removed).</summary>
    public static IReadOnlyDictionary<string, string> OptionsFor(string method, IReadOnlyDictionary<string, string> options)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in options)
        {
            int colon = key.IndexOf(':');
            if (colon < 0) result.TryAdd(key, value);
            else if (key[..colon] == method) result[key[(colon + 1)..]] = value;
        }
        return result;
    }

    /// <summary>True when <paramref name="run"/> finished earlier (its results.json exists) and will be read back, not trained.</summary>
    public static bool IsFinished(ComparisonRun run) => new RunFolder(run.Folder).IsFinished;

    /// <summary>
    /// Trains <paramref name="run"/>, or reads it back when it finished earlier with the same configuration (a different
    /// configuration in the folder is an error rather than a silently stale result).
    /// </summary>
    public static TrainingResult Train(ComparisonRun run, DatasetSplits splits, ITrainingObserver? observer = null)
    {
        var folder = new RunFolder(run.Folder);
        if (!folder.IsFinished) return Experiment.Run(run.Config, splits, run.Folder, observer);
        CheckRecordedConfig(run, splits, "a finished run");
        return folder.ReadResults();
    }

    /// <summary>Throws when the config.json in <paramref name="run"/>'s folder differs from the run's configuration in what decides its result.</summary>
    internal static void CheckRecordedConfig(ComparisonRun run, DatasetSplits splits, string holds)
    {
        // The folder records the model the method actually built (e.g. mla's shared head), so compare against that.
        ModelOptions built = RunPlan.Of(MethodRegistry.Create(run.Config.Method, new MethodSettings(run.Config.MethodOptions)), splits.Modalities, run.Config.Model).Model;
        if (Comparable(Experiment.ReadTrainedConfig(new RunFolder(run.Folder))) != Comparable(run.Config with { Model = built }))
            throw new InvalidOperationException($"{run.Folder} holds {holds} with another configuration; use another --out folder or delete it.");
    }

    /// <summary>Trains (or reads back) every run, then writes the reports; <paramref name="observe"/> gives each run's progress observer.</summary>
    public ComparisonResults Run(DatasetSplits splits, Func<ComparisonRun, ITrainingObserver?>? observe = null) =>
        Report(Runs.Select(run => Train(run, splits, observe?.Invoke(run))).ToArray(), splits);

    /// <summary>Writes the grid to <see cref="PlanFile"/> (one line per run, numbered from 0 as --index takes them) and returns its text.</summary>
    public string WritePlan()
    {
        string text = "index\tmethod\tseed\tfolder\n" + string.Concat(Runs.Select((run, i) =>
            FormattableString.Invariant($"{i}\t{run.Method}\t{run.Seed}\t{Path.GetRelativePath(OutputFolder, run.Folder)}\n")));
        Directory.CreateDirectory(OutputFolder);
        File.WriteAllText(Path.Combine(OutputFolder, PlanFile), text);
        return text;
    }

    /// <summary>
    /// The run at <paramref name="index"/> of the grid: a number, or "env" for the index a scheduler sets
    /// (<see cref="IndexVariables"/>).
    /// </summary>
    public ComparisonRun RunAt(string index)
    {
        string text = ResolveIndex(index);
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int row) || row >= Runs.Count)
            throw new ArgumentException($"--index {text} is not a row of the grid: rows are 0 to {Runs.Count - 1} (see --plan).");
        return Runs[row];
    }

    /// <summary>An --index value as given, or for "env" the index a scheduler set in one of <see cref="IndexVariables"/>.</summary>
    public static string ResolveIndex(string index) => index != "env" ? index
        : IndexVariables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v))
            ?? throw new ArgumentException($"--index env needs one of {string.Join(", ", IndexVariables)} (set by a Slurm job array or a Kubernetes Indexed Job).");

    /// <summary>The runs whose folders hold no finished result yet.</summary>
    public IReadOnlyList<ComparisonRun> Missing() => Runs.Where(run => !IsFinished(run)).ToArray();

    /// <summary>Reads back every finished run and writes the reports over them (results.json lists only those).</summary>
    public ComparisonResults Aggregate(DatasetSplits splits)
    {
        ComparisonRun[] finished = Runs.Where(IsFinished).ToArray();
        if (finished.Length == 0) throw new InvalidOperationException($"No run of the grid has finished yet in {OutputFolder}.");
        return Report(finished, finished.Select(run => Train(run, splits)).ToArray(), splits);
    }

    /// <summary>
    /// Computes every run's diagnostics and writes results.json, results.md and the plots. <paramref name="results"/> are
    /// the results of <see cref="Runs"/>, in the same order.
    /// </summary>
    public ComparisonResults Report(IReadOnlyList<TrainingResult> results, DatasetSplits splits) => Report(Runs, results, splits);

    private ComparisonResults Report(IReadOnlyList<ComparisonRun> runs, IReadOnlyList<TrainingResult> results, DatasetSplits splits)
    {
        if (results.Count != runs.Count) throw new ArgumentException($"Expected {runs.Count} results (one per run), got {results.Count}.");
        var records = runs.Zip(results, (run, result) => new ComparisonRecord
        {
            Method = run.Method,
            Seed = run.Seed,
            RunFolder = Path.GetRelativePath(OutputFolder, run.Folder),
            BestEpoch = result.BestEpoch,
            Accuracy = result.Test.Accuracy,
            MeanAveragePrecision = result.Test.MeanAveragePrecision,
            MacroF1 = result.Test.MacroF1,
            MacroAuc = result.Test.MacroAuc,
            Diagnostics = ModalityDiagnostics.Compute(result, _diagnostics, () => LoadContext(run, splits)),
        }).ToArray();
        ComparisonResults comparison = ComparisonResults.Create(Methods, Seeds, splits.Modalities.Select(m => m.Name).ToArray(), records) with
        {
            DataReport = splits.Report,
            Variants = Variants.ToDictionary(v => v.Key, v => Describe(v.Key)),
        };
        File.WriteAllText(Path.Combine(OutputFolder, ResultsFile), JsonSerializer.Serialize(comparison, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(OutputFolder, MarkdownFile), ComparisonColumn.Markdown(comparison));
        var runsByMethod = Methods.ToDictionary(m => m, m => (IReadOnlyList<TrainingResult>)runs.Zip(results).Where(x => x.First.Method == m).Select(x => x.Second).ToArray());
        ComparisonPlots.Write(OutputFolder, comparison, runsByMethod);
        return comparison;
    }

    // "attr-reg unimodal=1 normalize=l2": what a variant row trains, for the report.
    private string Describe(string row)
    {
        ComparisonRun run = Runs.First(r => r.Method == row);
        return string.Join(" ", run.Config.MethodOptions.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}").Prepend(run.Config.Method));
    }

    private static DiagnosticContext LoadContext(ComparisonRun run, DatasetSplits splits)
    {
        var folder = new RunFolder(run.Folder);
        RunConfig config = folder.ReadConfig();
        int[] indices = ModalityBinding.Indices(splits.Modalities, config.Modalities.Select(m => m.Name), $"The model of {run.Folder}");
        var device = DeviceSelector.Resolve(config.Training.Device);
        var model = folder.LoadModel();
        model.to(device);
        return new DiagnosticContext(model, splits, indices, config.Training.BatchSize, device, config.Training.Seed);
    }

    // The parts of a configuration that decide a run's result (not the thread count or logging, not what the trainer filled in).
    // Method options are compared as the method resolves them: folders written before config.json recorded every option's
    // value hold only the given ones.
    private static string Comparable(RunConfig config) => JsonSerializer.Serialize(config with
    {
        MethodOptions = MethodRegistry.ResolvedOptions(config.Method, config.MethodOptions),
        TensorBoard = true,
        Modalities = Array.Empty<ModalitySpec>(),
        ClassNames = Array.Empty<string>(),
        EquimodalVersion = "",
        Environment = null,
        Training = config.Training with { Threads = 0 },
    }, Json.Line);
}
