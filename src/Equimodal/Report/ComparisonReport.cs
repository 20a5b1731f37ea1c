using System.Text;
using System.Text.Json;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Reporting;
using Equimodal.Training;

namespace Equimodal.Report;

/// <summary>
/// report.html of a comparison folder: settings and the command that reproduces it, a plain-words reading, the sortable
/// results table (mean ± std, best marked, per-seed values on hover and in an expandable table), paired differences and
/// failure gaps with their forest plots, the curves over epochs, and links to each run's own report.
/// </summary>
public static class ComparisonReport
{
    /// <summary>
    /// Writes every run's report (<see cref="RunReport"/>), then the comparison's, from the files in
    /// <paramref name="folder"/> (results.json and the run folders). Returns the comparison report's path.
    /// </summary>
    public static string Write(string folder)
    {
        string resultsFile = Path.Combine(folder, Comparison.ResultsFile);
        if (!File.Exists(resultsFile)) throw new FileNotFoundException($"{resultsFile} does not exist: is '{folder}' a folder written by 'equimodal compare'?", resultsFile);
        ComparisonResults stored = JsonSerializer.Deserialize<ComparisonResults>(File.ReadAllText(resultsFile), Json.Indented)
            ?? throw new InvalidDataException($"{resultsFile} is empty.");
        // Summaries and failure gaps are recomputed from the runs, so a folder written before they existed gets them too.
        ComparisonResults results = ComparisonResults.Create(stored.Methods, stored.Seeds, stored.Modalities, stored.Runs) with
        {
            DataReport = stored.DataReport, Variants = stored.Variants, Command = stored.Command,
        };
        var reports = new Dictionary<ComparisonRecord, string>();
        foreach (ComparisonRecord run in results.Runs)
        {
            string runFolder = Path.Combine(folder, run.RunFolder);
            if (File.Exists(Path.Combine(runFolder, RunFolder.ResultsFile))) reports[run] = Path.GetRelativePath(folder, RunReport.Write(runFolder, run)).Replace('\\', '/');
        }
        var histories = results.Methods.ToDictionary(m => m, m => (IReadOnlyList<IReadOnlyList<EpochRecord>>)results.Runs
            .Where(r => r.Method == m && reports.ContainsKey(r)).Select(r => new RunFolder(Path.Combine(folder, r.RunFolder)).ReadEpochs()).ToArray());
        RunConfig? config = results.Runs.Where(reports.ContainsKey).Select(r => new RunFolder(Path.Combine(folder, r.RunFolder)).ReadConfig()).FirstOrDefault();
        string path = Path.Combine(folder, Html.ReportFile);
        File.WriteAllText(path, Build(results, histories, config, reports));
        return path;
    }

    /// <summary>The page for <paramref name="results"/>; <paramref name="runReports"/> gives each run's report path relative to the page.</summary>
    public static string Build(ComparisonResults results, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<EpochRecord>>> histories, RunConfig? config, IReadOnlyDictionary<ComparisonRecord, string> runReports)
    {
        var body = new StringBuilder();
        body.Append($"<p>{results.Methods.Count} methods × {results.Seeds.Count} seeds ({string.Join(", ", results.Seeds)}) on {Html.Escape(config?.Dataset.Name ?? "the dataset")}, " +
                    $"modalities {Html.Escape(string.Join(", ", results.Modalities))}. Test-split metrics of each run's weights with the best validation accuracy.</p>\n");
        body.Append(Html.Section("reading", "Reading", "<ul class=\"reading\">" + string.Concat(ComparisonReading.Sentences(results).Select(s => $"<li>{Html.Escape(s)}</li>")) + "</ul>"));
        body.Append(Html.Section("results", "Results", ResultsTable(results, runReports)));
        IntervalChart accuracy = Charts.Accuracy(results);
        string paired = Charts.PairedAccuracy(results) is { } differences
            ? SvgChart.Render(differences, "paired") + PairedTable(results.PairedAccuracy)
            : "<p class=\"note\">One method: no paired differences.</p>";
        body.Append(Html.Section("accuracy", "Accuracy per seed and paired differences", SvgChart.Render(accuracy, "accuracy") +
            "<p class=\"note\">Runs with the same seed share initial weights and batch order, so the per-seed difference removes the spread two methods have in common; " +
            "the interval is the 95 % interval of the mean difference (Student's t over seeds), and a difference is beyond seed noise when it excludes 0.</p>\n" + paired));
        body.Append(Html.Section("failure-gap", "Failure gaps", FailureGaps(results)));
        string curves = string.Concat(Charts.ComparisonEpochs(results.Modalities, histories).Select((c, i) => SvgChart.Render(c.Chart, $"epochs{i}")))
                        + string.Concat(Charts.ModalityUse(histories, results.Modalities).Select((c, i) => SvgChart.Render(c, $"use{i}")));
        if (curves.Length > 0) body.Append(Html.Section("curves", "Over epochs (validation, mean over seeds)", curves));
        body.Append(Html.Section("settings", "Settings and how to reproduce", Settings(results, config)));
        string title = $"Comparison: {string.Join(", ", results.Methods)}";
        return Html.Page(title.Length > 120 ? $"Comparison of {results.Methods.Count} methods" : title, body.ToString());
    }

    private static string ResultsTable(ComparisonResults results, IReadOnlyDictionary<ComparisonRecord, string> runReports)
    {
        ComparisonColumn[] columns = ComparisonColumn.For(results.Modalities, results.MainMetric, results.TaskMetricNames).Where(c => results.Summary.Any(s => s.Metrics.ContainsKey(c.Key))).ToArray();
        var rows = results.Summary.Select(method =>
        {
            ComparisonRecord[] runs = results.Runs.Where(r => r.Method == method.Method).OrderBy(r => r.Seed).ToArray();
            var cells = new List<string> { Html.Escape(method.Method) };
            foreach (ComparisonColumn column in columns)
            {
                if (!method.Metrics.TryGetValue(column.Key, out MetricSummary? summary))
                {
                    cells.Add(Html.Cell("-", double.NaN));
                    continue;
                }
                string text = double.IsNaN(summary.Std) ? column.Format(summary.Mean) : $"{column.Format(summary.Mean)} ± {column.Format(summary.Std)}";
                string perSeed = string.Join("; ", runs.Where(r => column.Value(r) is not null).Select(r => $"seed {r.Seed}: {column.Format(column.Value(r)!.Value)}"));
                cells.Add(Html.Cell(text, summary.Mean, perSeed, ComparisonColumn.Best(column, results.Summary) == summary.Mean));
            }
            return (IReadOnlyList<string>)cells;
        });
        string table = Html.Table(columns.Select(c => c.Header).Prepend("method").ToArray(), rows,
            $"Mean ± standard deviation over seeds (percent, except times and the normalised imbalance); ◆ marks the best mean of a column with a direction. Hover a cell for its per-seed values; click a header to sort.", sortable: true);
        var runRows = results.Runs.Select(run => (IReadOnlyList<string>)new[]
        {
            Html.Escape(run.Method), Html.Cell(run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Seed),
        }.Concat(columns.Select(c => c.Value(run) is double v ? Html.Cell(c.Format(v), v) : Html.Cell("-", double.NaN)))
         .Append(runReports.TryGetValue(run, out string? link) ? $"<a href=\"{Html.Escape(link)}\">report</a>" : "-").ToArray());
        string perSeed = Html.Table(columns.Select(c => c.Header).Prepend("seed").Prepend("method").Append("run").ToArray(), runRows, "Every run, one row per method and seed.", sortable: true);
        string variants = results.Variants.Count == 0 ? "" :
            "<p>Variants: " + string.Join("; ", results.Variants.Select(v => $"<strong>{Html.Escape(v.Key)}</strong> trains {Html.Escape(v.Value)}")) + ".</p>\n";
        string data = string.Concat(results.DataReport.Lines().Select(line => $"<p class=\"note\">{Html.Escape(line)}</p>\n"));
        return table + variants + data + $"<details><summary>Per-seed values and run reports ({results.Runs.Count} runs)</summary>\n{perSeed}</details>\n";
    }

    private static string PairedTable(IReadOnlyList<PairedDifference> differences) => Html.Table(
        new[] { "method", "seeds", "mean difference", "95 % interval", "beyond seed noise", "above / equal / below", "per seed" },
        differences.Select(d => (IReadOnlyList<string>)new[]
        {
            Html.Escape(d.Method), Html.Cell(d.Seeds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Seeds.Count), Html.Cell(Html.Signed(d.Mean), d.Mean),
            Html.Cell(Html.Interval(d.Low, d.High), d.Low), double.IsNaN(d.Low) ? "-" : d.BeyondSeedNoise ? "<strong>yes</strong>" : "no",
            $"{d.Differences.Count(v => v > 0)} / {d.Differences.Count(v => v == 0)} / {d.Differences.Count(v => v < 0)}",
            Html.Escape(string.Join(", ", d.Seeds.Zip(d.Differences, (seed, value) => $"{seed}: {Html.Signed(value)}"))),
        }),
        $"Test accuracy minus {differences[0].Baseline}'s on the same seed, in percentage points.", sortable: true);

    private static string FailureGaps(ComparisonResults results)
    {
        string what = "<p>The failure gap of modality m in a multimodal run is the test accuracy of the comparison's <code>m-only</code> run with the same seed minus acc(m), " +
                      "the accuracy of m's own logits inside the multimodal model; a run's gap is its largest over modalities. Above 0: the joint training left that modality " +
                      "worse than training it alone would have (modality failure). What acc(m) is depends on the fusion head (see docs/compare.md).</p>\n";
        if (Charts.FailureGaps(results) is not { } chart)
            return what + "<p class=\"note\">Not measured: the comparison has no <code>NAME-only</code> row (add e.g. audio-only,visual-only to --methods).</p>\n";
        var rows = chart.Rows.Select(row => (IReadOnlyList<string>)new[]
        {
            Html.Escape(row.Label), Html.Cell(Html.Signed(row.Mean), row.Mean), Html.Cell(Html.Interval(row.Low, row.High), row.Low),
        }.Concat(results.Modalities.Select(m => results.Summary.Single(s => s.Method == row.Label).Metrics.TryGetValue($"{ComparisonColumn.FailureGapKey}.{m}", out MetricSummary? g)
            ? Html.Cell(Html.Signed(100 * g.Mean), 100 * g.Mean) : Html.Cell("-", double.NaN)))
         .Append(Html.Escape(string.Join(", ", row.Seeds.Zip(row.Points, (seed, value) => $"{seed}: {Html.Signed(value)}")))).ToArray());
        string floor = results.FailureGapFloor is double f
            ? $"<p>Seed noise alone gives a failure gap of about {Html.Number(100 * f)} points here: a run's gap is the largest of noisy per-modality gaps, so a model that trained " +
              "every modality exactly as well as alone would still average this much (estimated from the <code>m-only</code> rows over seeds). Each gap(m) averages 0 without failure.</p>\n"
            : "";
        return what + floor + SvgChart.Render(chart, "gaps") + Html.Table(
            new[] { "method", "failure gap", "95 % interval" }.Concat(results.Modalities.Select(m => $"gap({m})")).Append("per seed").ToArray(), rows,
            "Failure gap in percentage points: mean over seeds of each run's largest gap, its 95 % interval, and each modality's mean gap.", sortable: true);
    }

    private static string Settings(ComparisonResults results, RunConfig? config)
    {
        string command = results.Command is null
            ? "<p class=\"note\">The command line was not recorded (the comparison was not run from the command line).</p>\n"
            : $"<p>To reproduce (finished runs in the folder are read back, not trained again):</p>\n<pre><code>{Html.Escape(results.Command)}</code></pre>\n";
        string machine = ComparisonColumn.MachineSentence(results.Runs);
        command += machine.Length == 0 ? "" : $"<p>{Html.Escape(machine)}</p>\n";
        if (config is null) return command;
        string dataset = config.Dataset.Name;
        // The processor and kernels are stated above for every run: runs of one comparison may differ in them.
        string[] leaveOut = new[] { "method", "methodOptions", "training.seed", "classNames", "environment.processor", "environment.oneDnn" }
            .Concat(dataset == "synthetic" ? Array.Empty<string>() : new[] { "dataset.synthetic" })
            .Concat(dataset == "avdigits" ? Array.Empty<string>() : new[] { "dataset.avDigits" }).ToArray();
        return command + $"<p>Every run shares these settings (from {Html.Escape(results.Runs[0].RunFolder)}/config.json; methods and their options differ per row, seeds per run).</p>\n"
               + Html.Settings(config, "Settings shared by every run", leaveOut);
    }
}
