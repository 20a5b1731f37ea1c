using System.Text.Json;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Reporting;
using Equimodal.Training;
using SkiaSharp;

namespace Equimodal.Tests.Experiments;

public class ComparisonTests
{
    internal static readonly RunConfig Tiny = new()
    {
        Dataset = new DatasetRequest { Synthetic = TestData.SmallSynthetic },
        Model = TestData.TinyModel with { Width = 4, Depth = 1 },
        Training = TestData.ShortTraining with { Epochs = 2, Seed = 7 },
    };

    [Fact]
    public void Compare_writes_one_record_per_run_a_correct_summary_a_marked_table_and_plots_then_resumes_without_training()
    {
        string folder = TestData.TempFolder();
        var observer = new CountingObserver();
        var comparison = new Comparison(Tiny, new[] { "joint", "audio-only" }, seeds: 2, folder);
        ComparisonResults results = comparison.Run(TestData.Small, _ => observer);
        // Four runs (two methods, two seeds) of 2 epochs of ceil(train samples / 32) steps, all reported to the observer.
        Assert.Equal(4 * 2 * ((TestData.Small.Train.Count + 31) / 32), observer.Steps);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, Comparison.ResultsFile)));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(new[] { "joint/7", "joint/8", "audio-only/7", "audio-only/8" },
            runs.Select(r => $"{r.GetProperty("method").GetString()}/{r.GetProperty("seed").GetInt32()}"));
        foreach (JsonElement run in runs)
        {
            string runFolder = Path.Combine(folder, run.GetProperty("runFolder").GetString()!);
            using var own = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, RunFolder.ResultsFile)));
            Assert.Equal(own.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble(), run.GetProperty("accuracy").GetDouble());
            Assert.Equal(own.RootElement.GetProperty("secondsPerStep").GetDouble(), run.GetProperty("diagnostics").GetProperty("secondsPerStep").GetDouble());
        }
        Assert.Equal(new[] { "audio" }, runs[2].GetProperty("diagnostics").GetProperty("modalityAccuracy").EnumerateObject().Select(p => p.Name));

        // Summary: mean and sample standard deviation (n - 1) of the two seeds, checked against the per-seed values.
        foreach (JsonElement method in json.RootElement.GetProperty("summary").EnumerateArray())
        {
            string name = method.GetProperty("method").GetString()!;
            double[] accuracies = runs.Where(r => r.GetProperty("method").GetString() == name).Select(r => r.GetProperty("accuracy").GetDouble()).ToArray();
            JsonElement accuracy = method.GetProperty("metrics").GetProperty("accuracy");
            Assert.Equal((accuracies[0] + accuracies[1]) / 2, accuracy.GetProperty("mean").GetDouble(), 12);
            Assert.Equal(Math.Abs(accuracies[0] - accuracies[1]) / Math.Sqrt(2), accuracy.GetProperty("std").GetDouble(), 12);
            Assert.Equal(2, accuracy.GetProperty("count").GetInt32());
        }

        // Every run records the processor and kernel choice it trained with; results.md states it once.
        string machine = $"{Equimodal.Runtime.NativeRuntime.ProcessorDescription()}, oneDNN {(Equimodal.Runtime.NativeRuntime.OneDnnEnabled ? "on" : "off")}";
        Assert.All(runs, run => Assert.Equal(machine, run.GetProperty("machine").GetString()));
        string markdown = File.ReadAllText(Path.Combine(folder, Comparison.MarkdownFile));
        Assert.Contains($"\nTrained on: {machine}.\n", markdown);
        string bestMethod = results.Summary.MaxBy(s => s.Metrics["accuracy"].Mean)!.Method;
        string bestRow = markdown.Split('\n').Single(line => line.StartsWith($"| {bestMethod} |", StringComparison.Ordinal));
        Assert.StartsWith("**", bestRow.Split('|')[2].Trim());

        string[] plots = Directory.GetFiles(folder, "*.png");
        Assert.Equal(new[] { "accuracy.png", "attribution-share-audio.png", "attribution-share-visual.png", "failure-gap.png", "validation-accuracy-audio.png", "validation-accuracy-visual.png" },
            plots.Select(Path.GetFileName).Order());
        // joint is measured against audio-only of the same seed; audio-only itself has no gap.
        Assert.Equal(runs[2].GetProperty("accuracy").GetDouble() - results.Runs[0].Diagnostics.ModalityAccuracy["audio"], results.Runs[0].FailureGaps!["audio"], 12);
        Assert.Null(results.Runs[2].FailureGaps);
        // The page to share (written over the comparison folder, as compare does), and one per run, linked from it.
        string page = File.ReadAllText(Equimodal.Report.ComparisonReport.Write(folder));
        foreach (ComparisonRun run in comparison.Runs)
        {
            Assert.True(File.Exists(Path.Combine(run.Folder, Equimodal.Report.Html.ReportFile)), run.Folder);
            Assert.Contains($"href=\"runs/{run.Method}-seed{run.Seed}/report.html\"", page);
        }
        foreach (string plot in plots)
        {
            using SKBitmap bitmap = SKBitmap.Decode(plot);
            Assert.Equal((ComparisonPlots.Width, ComparisonPlots.Height), (bitmap.Width, bitmap.Height));
        }

        // A second run over the same folder reads every finished run back instead of training it.
        var written = comparison.Runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.Folder, RunFolder.ResultsFile))).ToArray();
        var again = new CountingObserver();
        ComparisonResults resumed = new Comparison(Tiny, new[] { "joint", "audio-only" }, seeds: 2, folder).Run(TestData.Small, _ => again);
        Assert.Equal(0, again.Steps);
        Assert.Equal(written, comparison.Runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.Folder, RunFolder.ResultsFile))));
        Assert.Equal(results.Runs.Select(r => r.Accuracy), resumed.Runs.Select(r => r.Accuracy));

        // ... but refuses a finished run trained with another configuration.
        var changed = new Comparison(Tiny with { Training = Tiny.Training with { LearningRate = 0.01 } }, new[] { "joint" }, seeds: 1, folder);
        Assert.Contains("another configuration", Assert.Throws<InvalidOperationException>(() => changed.Run(TestData.Small)).Message);
    }

    [Fact]
    public void Rows_trained_on_different_processors_or_kernels_are_named_with_a_warning()
    {
        ComparisonRecord Row(string method, int seed, string machine) => new() { Method = method, Seed = seed, Machine = machine };
        const string zen3 = "AMD EPYC (x86 family 25 model 1), oneDNN on", off = "AMD EPYC (x86 family 25 model 1), oneDNN off";
        Assert.Equal($"Trained on: {zen3}.", ComparisonColumn.MachineSentence(new[] { Row("joint", 1, zen3), Row("attr-reg", 1, zen3) }));
        string mixed = ComparisonColumn.MachineSentence(new[] { Row("joint", 1, zen3), Row("joint", 2, zen3), Row("attr-reg", 1, off), Row("attr-reg", 2, ""), Row("mbsd", 1, zen3) });
        Assert.Equal("Trained on more than one processor or kernel choice, which round floats differently, so the same seed can land points apart: "
                     + $"{zen3}: joint (seeds 1, 2), mbsd (seed 1); {off}: attr-reg (seed 1); not recorded: attr-reg (seed 2).", mixed);
        Assert.Equal("", ComparisonColumn.MachineSentence(Array.Empty<ComparisonRecord>()));
        // A run folder written before the machine was recorded reads as not recorded.
        Assert.Equal("not recorded", new Equimodal.Reporting.ReproducibilityInfo { Threads = 1 }.Machine);
    }

    [Fact]
    public void Model_diagnostics_run_on_every_trained_model_and_their_columns_appear()
    {
        string folder = TestData.TempFolder();
        var diagnostic = new FixedShapley();
        var comparison = new Comparison(Tiny with { Training = Tiny.Training with { Epochs = 1 } }, new[] { "joint", "visual-only" }, seeds: 1, folder, new[] { diagnostic });
        ComparisonResults results = comparison.Run(TestData.Small);
        Assert.Equal(new[] { "audio,visual", "visual" }, diagnostic.Seen);
        Assert.Equal(0.75, results.Runs[0].Diagnostics.ShapleyValues!["audio"]);
        Assert.Equal(0.5, results.Summary[0].Metrics["imbalance"].Mean);
        string header = File.ReadAllLines(Path.Combine(folder, Comparison.MarkdownFile))[0];
        Assert.Contains("phi(audio)", header);
        Assert.Contains("imbalance (normalised)", header);
        Assert.Contains("phi gap (BalanceBenchmark)", header);
        Assert.Equal(0.5, results.Summary[0].Metrics["shapleyGap"].Mean);
        // Attribution shares are measured by the evaluator for every method, so their columns are always there.
        Assert.Contains("share(audio)", header);
        Assert.Equal(1.0, results.Runs[1].Diagnostics.AttributionShares!["visual"], 9);
    }

    [Fact]
    public void Summary_statistics_and_best_marks_follow_each_columns_direction()
    {
        Assert.Equal(new MetricSummary(2.5, Math.Sqrt(5.0 / 3), 4), MetricSummary.Of(new[] { 1.0, 2, 3, 4 }) with { Std = Math.Sqrt(5.0 / 3) });
        Assert.Equal(Math.Sqrt(5.0 / 3), MetricSummary.Of(new[] { 1.0, 2, 3, 4 }).Std, 12);
        Assert.True(double.IsNaN(MetricSummary.Of(new[] { 0.5 }).Std));

        ComparisonRecord Run(string method, double accuracy, double secondsPerEpoch) => new()
        {
            Method = method, Accuracy = accuracy, MeanAveragePrecision = accuracy, MacroF1 = accuracy, MacroAuc = accuracy,
            Diagnostics = new ModelDiagnostics { ModalityAccuracy = new Dictionary<string, double> { ["audio"] = accuracy }, SecondsPerEpoch = secondsPerEpoch, SecondsPerStep = secondsPerEpoch / 10 },
        };
        var results = ComparisonResults.Create(new[] { "slow-good", "fast-bad" }, new[] { 1, 2 }, new[] { "audio" },
            new[] { Run("slow-good", 0.9, 4), Run("slow-good", 0.8, 6), Run("fast-bad", 0.5, 1), Run("fast-bad", 0.6, 1) });
        string[] lines = ComparisonColumn.Markdown(results).Split('\n');
        Assert.Equal("| method | accuracy | mAP | macro-F1 | AUC | acc(audio) | s/epoch | ms/step |", lines[0]);
        Assert.Equal("| slow-good | **85.0 ± 7.1** | **85.0 ± 7.1** | **85.0 ± 7.1** | **85.0 ± 7.1** | **85.0 ± 7.1** | 5.00 ± 1.41 | 500.0 ± 141.4 |", lines[2]);
        Assert.Equal("| fast-bad | 55.0 ± 7.1 | 55.0 ± 7.1 | 55.0 ± 7.1 | 55.0 ± 7.1 | 55.0 ± 7.1 | **1.00 ± 0.00** | **100.0 ± 0.0** |", lines[3]);
    }

    [Fact]
    public void A_task_comparison_shows_the_tasks_metrics_once_each_with_their_directions()
    {
        ComparisonRecord Run(string method, string main, double value, Dictionary<string, double> metrics) => new()
        {
            Method = method, Accuracy = value, MainMetric = main, MeanAveragePrecision = main == "mAP" ? value : double.NaN, MacroF1 = double.NaN, MacroAuc = double.NaN,
            TaskMetrics = metrics, Diagnostics = new ModelDiagnostics { ModalityAccuracy = new Dictionary<string, double> { ["audio"] = value / 2 } },
        };
        // Multi-label: mAP is the main metric (the "mAP x100" column) and appears once; hamming loss is best when lowest.
        var multiLabel = ComparisonResults.Create(new[] { "joint", "attr-reg" }, new[] { 1 }, new[] { "audio" }, new[]
        {
            Run("joint", "mAP", 0.6, new() { ["mAP"] = 0.6, ["F1-micro"] = 0.5, ["hamming-loss"] = 0.25 }),
            Run("attr-reg", "mAP", 0.4, new() { ["mAP"] = 0.4, ["F1-micro"] = 0.75, ["hamming-loss"] = 0.125 }),
        });
        string[] lines = ComparisonColumn.Markdown(multiLabel).Split('\n');
        Assert.Equal("| method | mAP x100 | F1-micro | hamming-loss | mAP(audio) | s/epoch | ms/step |", lines[0]);
        Assert.Equal("| joint | **60.0** | 0.500 | 0.250 | **30.0** | **0.00** | **0.0** |", lines[2]);
        Assert.Equal("| attr-reg | 40.0 | **0.750** | **0.125** | 20.0 | **0.00** | **0.0** |", lines[3]);
        Assert.Equal(new[] { "accuracy", "F1-micro", "hamming-loss", "accuracy.audio", "secondsPerEpoch", "secondsPerStep" }, multiLabel.Summary[0].Metrics.Keys);

        // Regression with a score range: the accuracies are columns of their own, and MAE is best when lowest.
        var regression = ComparisonResults.Create(new[] { "joint" }, new[] { 1 }, new[] { "audio" }, new[]
        {
            Run("joint", "CCC", 0.5, new() { ["CCC"] = 0.5, ["MAE"] = 1.25, ["acc-2"] = 0.75, ["acc-7"] = 0.375 }),
        });
        Assert.Equal("| method | CCC x100 | MAE | acc-2 | acc-7 | CCC(audio) | s/epoch | ms/step |", ComparisonColumn.Markdown(regression).Split('\n')[0]);
        Assert.Equal(0.375, regression.Summary[0].Metrics["acc-7"].Mean);
    }

    [Fact]
    public void Paired_differences_against_joint_are_per_seed_with_a_student_t_interval()
    {
        ComparisonRecord Run(string method, int seed, double accuracy) => new() { Method = method, Seed = seed, Accuracy = accuracy };
        var runs = new[]
        {
            Run("joint", 1, 0.90), Run("joint", 2, 0.92), Run("joint", 3, 0.91),
            Run("steady", 1, 0.93), Run("steady", 2, 0.94), Run("steady", 3, 0.93),
            Run("noisy", 1, 0.88), Run("noisy", 2, 0.95), Run("noisy", 3, 0.91),
            Run("one-seed", 2, 0.90), Run("unpaired", 4, 0.99),
        };
        var results = ComparisonResults.Create(new[] { "steady", "joint", "noisy", "one-seed", "unpaired" }, new[] { 1, 2, 3 }, new[] { "audio" }, runs);

        Assert.Equal(new[] { "steady", "noisy", "one-seed" }, results.PairedAccuracy.Select(d => d.Method));
        Assert.All(results.PairedAccuracy, d => Assert.Equal("joint", d.Baseline));
        PairedDifference steady = results.PairedAccuracy[0];
        Assert.Equal(new[] { 1, 2, 3 }, steady.Seeds);
        Assert.Equal(new[] { 3.0, 2.0, 2.0 }, steady.Differences.Select(v => Math.Round(v, 9)));
        // mean 7/3, sample std sqrt(1/3), half-width t(2) * std / sqrt(3) = 4.303 / 3
        Assert.Equal(7.0 / 3, steady.Mean, 9);
        Assert.Equal(7.0 / 3 - 4.303 / 3, steady.Low, 9);
        Assert.Equal(7.0 / 3 + 4.303 / 3, steady.High, 9);
        Assert.True(steady.BeyondSeedNoise);
        PairedDifference noisy = results.PairedAccuracy[1];
        Assert.Equal(1.0 / 3, noisy.Mean, 9);
        Assert.False(noisy.BeyondSeedNoise);
        Assert.True(double.IsNaN(results.PairedAccuracy[2].Low));
        Assert.False(results.PairedAccuracy[2].BeyondSeedNoise);

        string markdown = ComparisonColumn.Markdown(results);
        Assert.Contains("Paired differences in test accuracy against joint", markdown);
        Assert.Contains("| steady | 3 | +2.3 | [+0.9, +3.8] | yes | 1: +3.0, 2: +2.0, 3: +2.0 | 3 / 0 / 0 |", markdown);
        Assert.Contains("| noisy | 3 | +0.3 | [-5.9, +6.6] | no | 1: -2.0, 2: +3.0, 3: 0.0 | 1 / 1 / 1 |", markdown);
        Assert.Contains("| one-seed | 1 | -2.0 | - | - | 2: -2.0 | 0 / 0 / 1 |", markdown);

        ComparisonResults reread = JsonSerializer.Deserialize<ComparisonResults>(JsonSerializer.Serialize(results, Json.Indented), Json.Indented)!;
        Assert.Equal(steady.High, reread.PairedAccuracy[0].High, 12);

        Assert.Equal("first", PairedDifferences.BaselineOf(new[] { "first", "second" }));
        Assert.Null(PairedDifferences.BaselineOf(new[] { "only" }));
        Assert.Equal(2.042, PairedDifference.StudentT975(30), 3);
        Assert.Equal(2.0395, PairedDifference.StudentT975(31), 3);
        Assert.Equal(1.9623, PairedDifference.StudentT975(1000), 3);
    }

    [Fact]
    public void Method_options_with_a_method_prefix_apply_to_that_method_only()
    {
        var options = new Dictionary<string, string> { ["ogm-ge:alpha"] = "0.5", ["modality-dropout:p"] = "0.1", ["shared"] = "1" };
        Assert.Equal(new Dictionary<string, string> { ["alpha"] = "0.5", ["shared"] = "1" }, Comparison.OptionsFor("ogm-ge", options));
        Assert.Equal(new Dictionary<string, string> { ["shared"] = "1" }, Comparison.OptionsFor("joint", options));
        var comparison = new Comparison(Tiny with { MethodOptions = new Dictionary<string, string> { ["ogm-ge:alpha"] = "0.5" } }, new[] { "joint", "ogm-ge" }, 1, TestData.TempFolder());
        Assert.Equal("0.5", comparison.Runs[1].Config.MethodOptions["alpha"]);
        Assert.Empty(comparison.Runs[0].Config.MethodOptions);
        Assert.Contains("Valid options", Assert.Throws<ArgumentException>(() => new Comparison(Tiny with { MethodOptions = new Dictionary<string, string> { ["ogm-ge:beta"] = "1" } }, new[] { "ogm-ge" }, 1, TestData.TempFolder())).Message);
    }

    [Fact]
    public void A_variant_row_trains_its_method_with_its_own_options_next_to_the_method()
    {
        string folder = TestData.TempFolder();
        var options = new Dictionary<string, string> { ["ogm-ge:alpha"] = "0.5", ["strong:alpha"] = "0.9" };
        var variants = new Dictionary<string, string> { ["strong"] = "ogm-ge" };
        var comparison = new Comparison(Tiny with { MethodOptions = options, Training = Tiny.Training with { Epochs = 1 } }, new[] { "ogm-ge", "strong" }, 1, folder, variants: variants);

        Assert.Equal(("ogm-ge", "0.5"), (comparison.Runs[0].Config.Method, comparison.Runs[0].Config.MethodOptions["alpha"]));
        Assert.Equal(("ogm-ge", "0.9"), (comparison.Runs[1].Config.Method, comparison.Runs[1].Config.MethodOptions["alpha"]));
        Assert.Equal(Path.Combine(folder, "runs", "strong-seed7"), comparison.Runs[1].Folder);

        ComparisonResults results = comparison.Run(TestData.Small);
        Assert.Equal(new[] { "ogm-ge", "strong" }, results.Summary.Select(s => s.Method));
        Assert.Equal("ogm-ge alpha=0.9", results.Variants["strong"]);
        Assert.Equal("ogm-ge", new RunFolder(comparison.Runs[1].Folder).ReadConfig().Method);
        string markdown = File.ReadAllText(Path.Combine(folder, Comparison.MarkdownFile));
        Assert.Contains("\n| strong | ", markdown);
        Assert.Contains("- strong: ogm-ge alpha=0.9", markdown);
        Assert.Contains("| strong | 1 | ", markdown); // paired against the first row, ogm-ge

        // The finished variant is read back, not retrained, and a changed option is refused rather than reported stale.
        Assert.Equal(results.Runs[1].Accuracy, new Comparison(Tiny with { MethodOptions = options, Training = Tiny.Training with { Epochs = 1 } }, new[] { "ogm-ge", "strong" }, 1, folder, variants: variants).Run(TestData.Small).Runs[1].Accuracy);
        var changed = new Dictionary<string, string>(options) { ["strong:alpha"] = "0.8" };
        Assert.Contains("another configuration", Assert.Throws<InvalidOperationException>(() =>
            new Comparison(Tiny with { MethodOptions = changed, Training = Tiny.Training with { Epochs = 1 } }, new[] { "ogm-ge", "strong" }, 1, folder, variants: variants).Run(TestData.Small)).Message);
    }

    [Fact]
    public void A_run_folder_records_every_method_option_and_a_folder_that_recorded_only_the_given_ones_is_still_read_back()
    {
        string folder = TestData.TempFolder();
        var options = new Dictionary<string, string> { ["alpha"] = "0.5" };
        RunConfig config = Tiny with { MethodOptions = options, Training = Tiny.Training with { Epochs = 1 } };
        ComparisonResults results = new Comparison(config, new[] { "ogm-ge" }, 1, folder).Run(TestData.Small);
        var runFolder = new RunFolder(Path.Combine(folder, "runs", "ogm-ge-seed7"));
        RunConfig recorded = runFolder.ReadConfig();
        Assert.Equal(MethodRegistry.ResolvedOptions("ogm-ge", options), recorded.MethodOptions);
        Assert.Equal("on", recorded.MethodOptions["noise"]);

        // Folders written before options were resolved hold only the given ones: still the same configuration.
        string configFile = Path.Combine(runFolder.Path, RunFolder.ConfigFile);
        File.WriteAllText(configFile, JsonSerializer.Serialize(recorded with { MethodOptions = options }, Json.Indented));
        Assert.Equal(results.Runs[0].Accuracy, new Comparison(config, new[] { "ogm-ge" }, 1, folder).Run(TestData.Small).Runs[0].Accuracy);
        var noiseOff = new Dictionary<string, string>(options) { ["noise"] = "off" };
        Assert.Contains("another configuration", Assert.Throws<InvalidOperationException>(() =>
            new Comparison(config with { MethodOptions = noiseOff }, new[] { "ogm-ge" }, 1, folder).Run(TestData.Small)).Message);
    }

    [Fact]
    public void An_attr_reg_folder_from_before_a_change_of_the_unimodal_default_is_read_as_what_it_trained()
    {
        string folder = TestData.TempFolder();
        RunConfig config = Tiny with { Training = Tiny.Training with { Epochs = 1 } };
        new Comparison(config, new[] { "attr-reg" }, 1, folder).Run(TestData.Small);
        string configFile = Path.Combine(folder, "runs", "attr-reg-seed7", RunFolder.ConfigFile);
        RunConfig recorded = new RunFolder(Path.GetDirectoryName(configFile)!).ReadConfig();
        Assert.Equal("auto", recorded.MethodOptions["unimodal-weight"]);

        // As the version whose default was unimodal-weight=1 wrote it: every option recorded, so it is that configuration.
        File.WriteAllText(configFile, JsonSerializer.Serialize(recorded with { MethodOptions = new Dictionary<string, string>(recorded.MethodOptions) { ["unimodal-weight"] = "1" } }, Json.Indented));
        Assert.Contains("another configuration", Assert.Throws<InvalidOperationException>(() => new Comparison(config, new[] { "attr-reg" }, 1, folder).Run(TestData.Small)).Message);
        var formerDefault = new Dictionary<string, string> { ["attr-reg:unimodal-weight"] = "1" };
        Assert.Single(new Comparison(config with { MethodOptions = formerDefault }, new[] { "attr-reg" }, 1, folder).Run(TestData.Small).Runs);

        // As an older version wrote it (no formatVersion, no option given, none recorded): attr-reg then meant unimodal-weight=0.
        System.Text.Json.Nodes.JsonObject older = JsonSerializer.SerializeToNode(recorded with { MethodOptions = new Dictionary<string, string>() }, Json.Indented)!.AsObject();
        older.Remove("formatVersion");
        File.WriteAllText(configFile, older.ToJsonString());
        Assert.Contains("another configuration", Assert.Throws<InvalidOperationException>(() => new Comparison(config, new[] { "attr-reg" }, 1, folder).Run(TestData.Small)).Message);
        var former = new Dictionary<string, string> { ["attr-reg:unimodal-weight"] = "0" };
        Assert.Single(new Comparison(config with { MethodOptions = former }, new[] { "attr-reg" }, 1, folder).Run(TestData.Small).Runs);
    }

    [Theory]
    [InlineData("ogm-ge", "joint", "ogm-ge,joint", "is a method's own name")]
    [InlineData("strong", "no-such-method", "joint,strong", "unknown method 'no-such-method'")]
    [InlineData("strong", "ogm-ge", "joint", "is not listed in --methods")]
    [InlineData("Strong", "ogm-ge", "joint,Strong", "must be lower-case")]
    public void Variants_that_cannot_be_trained_are_refused_with_the_reason(string name, string method, string methods, string reason)
    {
        var variants = new Dictionary<string, string> { [name] = method };
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => new Comparison(Tiny, methods.Split(','), 1, TestData.TempFolder(), variants: variants)).Message);
    }

    [Fact]
    public void A_method_option_for_a_row_that_is_not_compared_is_refused()
    {
        var options = new Dictionary<string, string> { ["ogm-ge:alpha"] = "0.5" };
        Assert.Contains("'ogm-ge' is neither a method nor a variant", Assert.Throws<ArgumentException>(() => new Comparison(Tiny with { MethodOptions = options }, new[] { "joint" }, 1, TestData.TempFolder())).Message);
    }

    private sealed class CountingObserver : ITrainingObserver
    {
        public int Steps { get; private set; }

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss) => Steps++;

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
        }
    }

    // Stands in for the Shapley diagnostic of the attribution engine: fixed values, and records which models it saw.
    private sealed class FixedShapley : IModelDiagnostic
    {
        public List<string> Seen { get; } = new();

        public ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context)
        {
            Seen.Add(string.Join(",", context.Model.ModalityNames));
            Assert.Equal(context.Model.ModalityNames, context.Splits.Modalities.Select(m => m.Name));
            return diagnostics with
            {
                ShapleyValues = context.Model.ModalityNames.ToDictionary(m => m, m => m == "audio" ? 0.75 : 0.25),
                ImbalanceDegree = 0.5,
                ShapleyGap = 0.5,
            };
        }
    }
}
