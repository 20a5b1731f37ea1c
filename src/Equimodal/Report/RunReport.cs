using System.Globalization;
using System.Text;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Reporting;
using Equimodal.Training;

namespace Equimodal.Report;

/// <summary>
/// report.html of a run folder: test metrics and the confusion matrix, training curves from metrics.jsonl, the
/// comparison's diagnostics of the run when it belongs to one (missing and corrupted modalities, Shapley values, linear
/// probes, failure gap), the composite attribution figures `explain` drew, and the configuration.
/// </summary>
public static class RunReport
{
    /// <summary>Sub-folder where `explain` writes its pictures by default.</summary>
    public const string ExplainFolder = "explain";

    /// <summary>
    /// Writes report.html into the finished run folder <paramref name="folder"/>; <paramref name="diagnostics"/> is the
    /// run's record in a comparison, when it belongs to one. Returns the report's path.
    /// </summary>
    public static string Write(string folder, ComparisonRecord? diagnostics = null)
    {
        if (!File.Exists(Path.Combine(folder, RunFolder.ResultsFile)))
            throw new FileNotFoundException($"{Path.Combine(folder, RunFolder.ResultsFile)} does not exist: '{folder}' is not a finished run folder (train it to the end, or resume it with 'equimodal train --resume {folder}').");
        var run = new RunFolder(folder);
        string path = run.File(Html.ReportFile);
        File.WriteAllText(path, Build(run.ReadConfig(), run.ReadResults(), diagnostics, FiguresOf(run.File(ExplainFolder))));
        return path;
    }

    /// <summary>
    /// The record of the run in the comparison whose runs/ folder holds <paramref name="folder"/> (with its failure gaps),
    /// or null when the run is not part of one.
    /// </summary>
    public static ComparisonRecord? ComparisonRecordOf(string folder)
    {
        string full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        string? comparison = Path.GetDirectoryName(Path.GetDirectoryName(full));
        if (comparison is null || !File.Exists(Path.Combine(comparison, Comparison.ResultsFile))) return null;
        ComparisonResults? results = System.Text.Json.JsonSerializer.Deserialize<ComparisonResults>(File.ReadAllText(Path.Combine(comparison, Comparison.ResultsFile)), Json.Indented);
        if (results is null) return null;
        return ComparisonResults.Create(results.Methods, results.Seeds, results.Modalities, results.Runs).Runs
            .FirstOrDefault(r => Path.GetFullPath(Path.Combine(comparison, r.RunFolder)).TrimEnd(Path.DirectorySeparatorChar) == full);
    }

    /// <summary>The composite attribution figures explain wrote (sample{i}.png), in sample order.</summary>
    public static IReadOnlyList<string> FiguresOf(string explainFolder) => !Directory.Exists(explainFolder) ? Array.Empty<string>() :
        Directory.GetFiles(explainFolder, "sample*.png")
            .Where(f => int.TryParse(Path.GetFileNameWithoutExtension(f)["sample".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)["sample".Length..], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The page of a run: its configuration, results (with their history), optional comparison record and figure files.</summary>
    public static string Build(RunConfig config, TrainingResult result, ComparisonRecord? diagnostics, IReadOnlyList<string> figures)
    {
        string[] modalities = config.Modalities.Select(m => m.Name).ToArray();
        var body = new StringBuilder();
        body.Append($"<p>{Html.Escape(config.Method)} on {Html.Escape(config.Dataset.Name)} (modalities {Html.Escape(string.Join(", ", modalities))}), seed {config.Training.Seed}: " +
                    $"{result.History.Count} epochs, weights of epoch {result.BestEpoch} kept (best validation accuracy), {Html.Number(result.TrainSeconds)} s of training.</p>\n");
        body.Append(Html.Section("test", "Test metrics", TestMetrics(result, modalities) + Confusion(result.Test.ConfusionMatrix, config.ClassNames)));
        if (diagnostics is not null) body.Append(Html.Section("diagnostics", "Missing, corrupted and other diagnostics", Diagnostics(diagnostics, modalities)));
        IReadOnlyList<LineChart> curves = Charts.RunCurves(result.History, modalities);
        if (curves.Count > 0) body.Append(Html.Section("curves", "Training curves", string.Concat(curves.Select((c, i) => SvgChart.Render(c, $"curve{i}")))));
        body.Append(Html.Section("attribution", "Attribution figures", figures.Count == 0
            ? $"<p class=\"note\">None yet: <code>equimodal explain --run DIR</code> draws them into the run's explain/ folder; <code>equimodal report --run DIR</code> then writes this page again with them.</p>"
            : "<p class=\"note\">What <code>equimodal explain</code> drew: per test sample, each modality's input with its attribution and the modality shares.</p>\n" +
              string.Concat(figures.Select(f => $"<figure>{Html.Image(f, $"Attribution figure of test {Path.GetFileNameWithoutExtension(f)}: each modality's input, its attribution map and the modality shares")}<figcaption>{Html.Escape(Path.GetFileName(f))}</figcaption></figure>\n"))));
        body.Append(Html.Section("configuration", "Configuration", Html.Settings(config, "config.json of the run (defaults filled in)")));
        return Html.Page($"Run: {config.Method}, seed {config.Training.Seed}", body.ToString());
    }

    private static string TestMetrics(TrainingResult result, IReadOnlyList<string> modalities)
    {
        EvaluationResult test = result.Test, validation = result.Validation;
        // A multi-label or regression run lists its task's metrics (plain numbers) and each modality's own-head main metric.
        var rows = test.TaskMetrics.Count > 0
            ? test.TaskMetrics.Select(p => Row(p.Key, p.Value, validation.TaskMetrics.GetValueOrDefault(p.Key, double.NaN), 3)).Append(Row("loss", test.Loss, validation.Loss, 3)).ToList()
            : new List<IReadOnlyList<string>>
            {
                Row("accuracy %", 100 * test.Accuracy, 100 * validation.Accuracy),
                Row("mAP %", 100 * test.MeanAveragePrecision, 100 * validation.MeanAveragePrecision),
                Row("macro-F1 %", 100 * test.MacroF1, 100 * validation.MacroF1),
                Row("AUC %", 100 * test.MacroAuc, 100 * validation.MacroAuc),
                Row("loss", test.Loss, validation.Loss, 3),
            };
        foreach (string m in modalities)
        {
            if (!test.ModalityAccuracy.TryGetValue(m, out double own)) continue;
            double ownValidation = validation.ModalityAccuracy.GetValueOrDefault(m, double.NaN);
            rows.Add(test.TaskMetrics.Count > 0 ? Row($"{test.MainMetric}({m}) (own head)", own, ownValidation, 3) : Row($"acc({m}) % (own logits)", 100 * own, 100 * ownValidation));
        }
        foreach (string m in modalities)
        {
            if (test.AttributionShares.Count > 1 && test.AttributionShares.TryGetValue(m, out double share))
                rows.Add(Row($"share({m}) %", 100 * share, 100 * validation.AttributionShares.GetValueOrDefault(m, double.NaN)));
        }
        return Html.Table(new[] { "metric", "test", "validation" }, rows, $"Test ({test.Samples} samples) and validation ({validation.Samples} samples) metrics of the kept weights.");
    }

    private static IReadOnlyList<string> Row(string name, double test, double validation, int decimals = 1) =>
        new[] { Html.Escape(name), Html.Cell(Html.Number(test, decimals), test), Html.Cell(Html.Number(validation, decimals), validation) };

    private static string Confusion(int[][] matrix, IReadOnlyList<string> classes)
    {
        if (matrix.Length == 0) return "";
        string Name(int i) => i < classes.Count ? classes[i] : i.ToString(CultureInfo.InvariantCulture);
        var rows = matrix.Select((row, i) =>
        {
            int total = Math.Max(1, row.Sum());
            return (IReadOnlyList<string>)row.Select((count, j) =>
            {
                // Shade by the share of the true class (one hue, so it reads without colour vision too); the count is the text.
                double share = (double)count / total;
                string style = FormattableString.Invariant($" style=\"background: rgba(0, 114, 178, {0.6 * share:F2})\"");
                string mark = i == j ? " class=\"num diagonal\"" : " class=\"num\"";
                return $"<td{mark}{style} data-value=\"{count}\" title=\"true {Html.Escape(Name(i))}, predicted {Html.Escape(Name(j))}: {count} ({Html.Number(100 * share)} % of the class)\">{count}</td>";
            }).Prepend(Html.Escape(Name(i))).ToArray();
        });
        return Html.Table(Enumerable.Range(0, matrix[0].Length).Select(Name).Prepend("true \\ predicted").ToArray(), rows,
            "Confusion matrix on the test split: rows are the true class, columns the predicted class; shading is the share of the row.");
    }

    private static string Diagnostics(ComparisonRecord record, IReadOnlyList<string> modalities)
    {
        ModelDiagnostics d = record.Diagnostics;
        var rows = new List<IReadOnlyList<string>>();
        static double? Of(IReadOnlyDictionary<string, double>? values, string key) => values is not null && values.TryGetValue(key, out double v) ? v : null;
        void Add(string name, double? value, bool signed = false)
        {
            if (value is double v) rows.Add(new[] { Html.Escape(name), Html.Cell(signed ? Html.Signed(100 * v) : Html.Number(100 * v), 100 * v) });
        }
        Add("accuracy, all modalities", record.Accuracy);
        foreach (string m in modalities) Add($"accuracy without {m}", Of(d.AccuracyMissing, m));
        foreach (string m in modalities) Add($"accuracy with {m} corrupted", Of(d.AccuracyCorrupted, m));
        foreach (string m in modalities) Add($"Shapley value of {m}", Of(d.ShapleyValues, m));
        foreach (ProbeResult probe in d.LinearProbes ?? Array.Empty<ProbeResult>()) Add($"linear probe on {probe.Features} features (test)", probe.TestAccuracy);
        foreach (string m in modalities) Add($"failure gap of {m} (points)", Of(record.FailureGaps, m), signed: true);
        string measured = d.AccuracyMissing is null ? "<p class=\"note\">Missing and corrupted modalities were not measured: <code>equimodal compare ... --aggregate --robustness</code> adds them.</p>\n" : "";
        return measured + Html.Table(new[] { "diagnostic", "% (test)" }, rows, "Measured by the comparison this run belongs to (missing: the modality's embedding zeroed at the fusion input; corrupted: its default corruption).");
    }
}
