using System.Text.Json;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Reporting;
using Equimodal.Training;
using TorchSharp;

namespace Equimodal.Experiments;

/// <summary>
/// What `equimodal compare` does: trains every method with every seed into DIR/runs/{method}-seed{seed} (a run whose
/// results.json exists is read back instead of retrained, and an interrupted run continues from its newest checkpoint,
/// so an interrupted comparison resumes), computes the same diagnostics for every run, and writes DIR/results.json,
/// DIR/results.md and PNG plots; the page to read, DIR/report.html, is <c>Report.ComparisonReport.Write</c> of the folder.
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

    /// <summary>File recording the grid's settings next to <see cref="PlanFile"/>: later --index and --aggregate calls are checked against it.</summary>
    public const string PlanSettingsFile = "plan.json";

    private readonly IReadOnlyList<IModelDiagnostic> _diagnostics;
    private readonly RunConfig _baseConfig;

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
        if ((long)baseConfig.Training.Seed + seeds - 1 > int.MaxValue)
            throw new ArgumentException($"--seed {baseConfig.Training.Seed} with --seeds {seeds} goes past the largest seed, {int.MaxValue}; lower --seed.");
        Variants = variants ?? new Dictionary<string, string>();
        CheckVariants(Variants, methods);
        foreach (string method in methods) MethodRegistry.Validate(MethodOf(method));
        CheckOptionPrefixes(baseConfig.MethodOptions, methods);
        OutputFolder = Path.GetFullPath(outputFolder);
        _baseConfig = baseConfig;
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
        foreach (ComparisonRun run in Runs) CreateMethod(run, baseConfig.MethodOptions, Runs.Select(r => r.Config.Method).Distinct().ToArray());
    }

    // An unprefixed option reaches every row; when a row's method lacks it, say which methods have it and how to aim it.
    private static void CreateMethod(ComparisonRun run, IReadOnlyDictionary<string, string> given, IReadOnlyList<string> gridMethods)
    {
        // A former name of the row's method is left to the method, which names the current one.
        string[] misplaced = given.Keys.Where(k => !k.Contains(':') && MethodRegistry.Options(run.Config.Method).All(o => o.Key != k)
            && !MethodRegistry.IsFormerOption(run.Config.Method, k)).ToArray();
        if (misplaced.Length > 0)
        {
            string key = misplaced[0];
            // The grid's own methods first: the option is most likely meant for one of them.
            string[] owners = gridMethods.Concat(MethodRegistry.Methods.Select(m => m.Name)).Distinct()
                .Where(m => MethodRegistry.Options(m).Any(o => o.Key == key)).ToArray();
            throw new ArgumentException($"--method-option {key}={given[key]} applies to every row, but '{run.Config.Method}' has no option '{key}'. "
                + (owners.Length > 0 ? $"Prefix it with the method it is for, e.g. --method-option {owners[0]}:{key}={given[key]} ({string.Join(", ", owners)} have it)." : "No method has it; see 'equimodal methods'."));
        }
        MethodRegistry.Create(run.Config.Method, new MethodSettings(run.Config.MethodOptions));
    }

    /// <summary>
    /// Names a setting in messages about a configuration that differs from the plan or a row's folder: a config.json path
    /// (e.g. "training.learningRate") to what the user knows it by (the CLI gives its flag, "--lr"); by default the path.
    /// </summary>
    public Func<string, string> SettingName { get; init; } = path => path;

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

    /// <summary>The `equimodal compare` command line that trains this grid, recorded in results.json and the report (null when not run from one).</summary>
    public string? Command { get; set; }

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
    /// Trains <paramref name="run"/>; reads it back when it finished earlier, and resumes it from its newest checkpoint
    /// when it was interrupted (a preempted grid task), in both cases only with the same configuration: a folder holding
    /// another configuration is refused, naming each differing setting with both values.
    /// </summary>
    public TrainingResult Train(ComparisonRun run, DatasetSplits splits, ITrainingObserver? observer = null) => Train(run, Plan(run, splits), splits, observer);

    /// <summary>As <see cref="Train(ComparisonRun, DatasetSplits, ITrainingObserver?)"/>, with the run's plan from <see cref="CheckRows"/>.</summary>
    public TrainingResult Train(ComparisonRun run, RunPlan plan, DatasetSplits splits, ITrainingObserver? observer = null)
    {
        var folder = new RunFolder(run.Folder);
        if (!RunFolder.IsRunFolder(folder.Path)) return Experiment.Run(run.Config, Experiment.Create(run.Config), plan, splits, run.Folder, observer);
        CheckRecordedConfig(run, plan, SettingName);
        return folder.IsFinished ? folder.ReadResults() : Experiment.Resume(run.Folder, splits, observer);
    }

    /// <summary>Throws when the config.json in <paramref name="run"/>'s folder differs from the run's configuration in what decides its result, naming each difference.</summary>
    internal static void CheckRecordedConfig(ComparisonRun run, RunPlan plan, Func<string, string>? settingName = null)
    {
        var folder = new RunFolder(run.Folder);
        // The folder records the model the method actually built (e.g. mla's shared head), so compare against that.
        string differences = ConfigDifferences.Describe(Comparable(folder.ReadConfig()), Comparable(run.Config with { Model = plan.Model }), "folder", "given", settingName ?? (path => path));
        if (differences.Length > 0)
        {
            throw new InvalidOperationException($"{run.Folder} holds {(folder.IsFinished ? "a finished" : "an unfinished")} run with another configuration ({differences}); "
                + "give the flags it was trained with, or another --out folder.");
        }
    }

    /// <summary>Trains (or reads back) every run, then writes the reports; <paramref name="observe"/> gives each run's progress observer.</summary>
    public ComparisonResults Run(DatasetSplits splits, Func<ComparisonRun, ITrainingObserver?>? observe = null)
    {
        IReadOnlyList<RunPlan> plans = CheckRows(splits);
        return Report(Runs.Select((run, i) => Train(run, plans[i], splits, observe?.Invoke(run))).ToArray(), splits);
    }

    /// <summary>
    /// Plans every row's method on the dataset (checking its modalities and the fusion it needs) so that no row fails
    /// after others trained; returns the plans, in the order of <see cref="Runs"/>.
    /// </summary>
    public IReadOnlyList<RunPlan> CheckRows(DatasetSplits splits) => Runs.Select(run => Plan(run, splits)).ToArray();

    /// <summary>The plan of <paramref name="run"/>'s method on <paramref name="splits"/>.</summary>
    internal static RunPlan Plan(ComparisonRun run, DatasetSplits splits) => RunPlan.Of(Experiment.Create(run.Config), splits.Modalities, run.Config.Model, splits.Task.Kind);

    /// <summary>
    /// Checks the comparison folder (<see cref="CheckFolder"/>), then records the grid: <see cref="PlanFile"/> (one line per
    /// run, numbered from 0 as --index takes them) and <see cref="PlanSettingsFile"/>. Returns the plan's text.
    /// </summary>
    public string WritePlan()
    {
        CheckFolder();
        string text = PlanText();
        Directory.CreateDirectory(OutputFolder);
        // Several grid tasks may record the same plan at once: each writes a whole file and renames it into place.
        WriteWhole(PlanFile, text);
        WriteWhole(PlanSettingsFile, PlanSettings().ToJsonString(Json.Indented) + "\n");
        return text;
    }

    /// <summary>
    /// Refuses a comparison folder that is the filesystem root, a home directory, a file, a train run folder, or a non-empty
    /// folder that is not a comparison; and, when the folder holds a plan, flags that describe another grid (each
    /// differing setting named with the plan's value and the given one). The plan is the truth of a grid's rows.
    /// </summary>
    public void CheckFolder()
    {
        OutputPaths.CheckFolderTarget(OutputFolder, "--out");
        if (!Directory.Exists(OutputFolder)) return;
        if (RunFolder.IsRunFolder(OutputFolder))
            throw new IOException($"--out {OutputFolder} is a run folder of 'equimodal train', not a comparison; give compare a folder of its own.");
        string[] entries = OutputPaths.OwnEntries(OutputFolder);
        if (entries.Length > 0 && !entries.Any(e => e is PlanFile or PlanSettingsFile or RunsFolder))
            throw new IOException($"--out {OutputFolder} is not empty and is not a comparison folder (it holds {OutputPaths.List(entries)}); nothing was written. Choose a new or empty folder.");
        string settings = Path.Combine(OutputFolder, PlanSettingsFile);
        if (File.Exists(settings))
        {
            string differences = ConfigDifferences.Describe(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(settings)), PlanSettings(), "plan", "given", SettingName);
            if (differences.Length > 0)
                throw new ArgumentException($"{settings} plans another grid than these flags ({differences}). Give the plan's flags, or another --out for a new grid.");
        }
        else if (File.Exists(Path.Combine(OutputFolder, PlanFile)) && File.ReadAllText(Path.Combine(OutputFolder, PlanFile)) != PlanText())
        {
            throw new ArgumentException($"{Path.Combine(OutputFolder, PlanFile)} lists other rows than --methods, --variant, --seed and --seeds give; give the plan's flags, or another --out.");
        }
    }

    private string PlanText() => "index\tmethod\tseed\tfolder\n" + string.Concat(Runs.Select((run, i) =>
        FormattableString.Invariant($"{i}\t{run.Method}\t{run.Seed}\t{Path.GetRelativePath(OutputFolder, run.Folder)}\n")));

    // What decides the grid's rows and their results: methods, seeds, variants and the shared configuration.
    private System.Text.Json.Nodes.JsonObject PlanSettings() => new()
    {
        ["methods"] = string.Join(",", Methods),
        ["seeds"] = string.Join(",", Seeds),
        ["variants"] = string.Join(",", Variants.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}")),
        ["configuration"] = JsonSerializer.SerializeToNode(_baseConfig with
        {
            Method = "",
            TensorBoard = true,
            Environment = null,
            Training = _baseConfig.Training with { Seed = 0, Threads = 0 },
        }, Json.Line),
    };

    private void WriteWhole(string name, string text)
    {
        string path = Path.Combine(OutputFolder, name);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
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
            Machine = new RunFolder(run.Folder).ReadConfig().Environment?.Machine ?? "not recorded",
            BestEpoch = result.BestEpoch,
            Accuracy = result.Test.Accuracy,
            MainMetric = result.Test.Task?.MainMetric,
            TaskMetrics = result.Test.Task?.Metrics,
            MeanAveragePrecision = result.Test.MeanAveragePrecision,
            MacroF1 = result.Test.MacroF1,
            MacroAuc = result.Test.MacroAuc,
            Diagnostics = ModalityDiagnostics.Compute(result, _diagnostics, () => LoadContext(run, splits)),
        }).ToArray();
        ComparisonResults comparison = ComparisonResults.Create(Methods, Seeds, splits.Modalities.Select(m => m.Name).ToArray(), records) with
        {
            DataReport = splits.Report,
            Variants = Variants.ToDictionary(v => v.Key, v => Describe(v.Key)),
            Command = Command,
        };
        File.WriteAllText(Path.Combine(OutputFolder, ResultsFile), JsonSerializer.Serialize(comparison, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(OutputFolder, MarkdownFile), ComparisonColumn.Markdown(comparison));
        var historiesByMethod = Methods.ToDictionary(m => m, m => (IReadOnlyList<IReadOnlyList<EpochRecord>>)runs.Zip(results).Where(x => x.First.Method == m).Select(x => x.Second.History).ToArray());
        ComparisonPlots.Write(OutputFolder, comparison, historiesByMethod);
        return comparison;
    }

    // "attr-reg unimodal-weight=1 embedding-norm=l2": what a variant row trains, for the report.
    private string Describe(string row)
    {
        ComparisonRun run = Runs.First(r => r.Method == row);
        return string.Join(" ", run.Config.MethodOptions.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}").Prepend(run.Config.Method));
    }

    private static DiagnosticContext LoadContext(ComparisonRun run, DatasetSplits splits)
    {
        var folder = new RunFolder(run.Folder);
        RunConfig config = folder.ReadConfig();
        DatasetSplits data = config.Plan(splits.Modalities, run.Folder).Bind(splits);
        var device = DeviceSelector.Resolve(config.Training.Device);
        var model = folder.LoadModel();
        model.to(device);
        return new DiagnosticContext(model, data, config.Training.BatchSize, device, config.Training.Seed) { DataModalities = splits.Modalities };
    }

    // The parts of a configuration that decide a run's result (not the thread count or logging, not what the trainer filled in).
    // Method options are compared as the method resolves them: folders written before config.json recorded every option's
    // value hold only the given ones.
    private static System.Text.Json.Nodes.JsonNode Comparable(RunConfig config) => JsonSerializer.SerializeToNode(config with
    {
        MethodOptions = MethodRegistry.ResolvedOptions(config.Method, config.MethodOptions),
        TensorBoard = true,
        Modalities = Array.Empty<ModalitySpec>(),
        ClassNames = Array.Empty<string>(),
        // Filled in from the data like the class names (the task asked for is in Dataset, and compared there).
        Task = default,
        EquimodalVersion = "",
        Environment = null,
        Training = config.Training with { Threads = 0 },
    }, Json.Line)!;
}
