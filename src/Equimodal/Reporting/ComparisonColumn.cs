using System.Globalization;
using Equimodal.Evaluation;

namespace Equimodal.Reporting;

/// <summary>
/// One metric of a comparison: its key in results.json, its table header, how to read it from a run and how to format it.
/// Columns of diagnostics not computed (no value in any run) are left out of the summary and the table.
/// </summary>
/// <param name="Key">Key in the summary of results.json.</param>
/// <param name="Header">Header in results.md.</param>
/// <param name="Better">Direction of improvement.</param>
/// <param name="Value">The metric of one run, or null when the run does not have it.</param>
/// <param name="Format">Text of a value (percent, seconds).</param>
public sealed record ComparisonColumn(string Key, string Header, Better Better, Func<ComparisonRecord, double?> Value, Func<double, string> Format)
{
    /// <summary>Key of the run's failure gap in the summary; "failureGap.{modality}" are the per-modality gaps.</summary>
    public const string FailureGapKey = "failureGap";

    /// <summary>
    /// The columns of a comparison over <paramref name="modalities"/>. For a multi-label or regression comparison
    /// (<paramref name="mainMetric"/> "mAP" or "CCC") the accuracy columns hold that metric, times 100, and are headed by
    /// its name, and the classification metrics give way to the task's other metrics (<paramref name="taskMetrics"/>, by
    /// name, as plain numbers).
    /// </summary>
    public static IReadOnlyList<ComparisonColumn> For(IReadOnlyList<string> modalities, string mainMetric = "accuracy", IReadOnlyList<string>? taskMetrics = null)
    {
        bool classification = mainMetric == "accuracy";
        string own = classification ? "acc" : mainMetric;
        var columns = new List<ComparisonColumn> { new("accuracy", classification ? "accuracy" : $"{mainMetric} x100", Better.Higher, r => r.Accuracy, ResultTable.Percent) };
        if (classification)
        {
            columns.Add(new("mAP", "mAP", Better.Higher, r => r.MeanAveragePrecision, ResultTable.Percent));
            columns.Add(new("macroF1", "macro-F1", Better.Higher, r => r.MacroF1, ResultTable.Percent));
            columns.Add(new("auc", "AUC", Better.Higher, r => r.MacroAuc, ResultTable.Percent));
        }
        else
        {
            columns.AddRange((taskMetrics ?? Array.Empty<string>()).Where(name => name != mainMetric).Select(name => new ComparisonColumn(name, name,
                TaskEvaluation.LowerIsBetter.Contains(name) ? Better.Lower : Better.Higher, r => Lookup(r.TaskMetrics, name), ResultTable.Number)));
        }
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"accuracy.{m}", $"{own}({m})", Better.Higher, r => Lookup(r.Diagnostics.ModalityAccuracy, m), ResultTable.Percent)));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"shapley.{m}", $"phi({m})", Better.Neither, r => Lookup(r.Diagnostics.ShapleyValues, m), ResultTable.Percent)));
        // Two definitions of imbalance, named apart: ours is normalised, BalanceBenchmark's is a gap in accuracy points.
        columns.Add(new("imbalance", "imbalance (normalised)", Better.Lower, r => r.Diagnostics.ImbalanceDegree, v => Fixed(v, "F3")));
        columns.Add(new("shapleyGap", "phi gap (BalanceBenchmark)", Better.Lower, r => r.Diagnostics.ShapleyGap, ResultTable.Percent));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"share.{m}", $"share({m})", Better.Neither, r => Lookup(r.Diagnostics.AttributionShares, m), ResultTable.Percent)));
        // Failure gaps against the comparison's unimodal rows (ComparisonFailureGaps): the run's largest, then each modality's.
        columns.Add(new(FailureGapKey, "failure gap", Better.Lower, r => r.FailureGap, ResultTable.Percent));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"{FailureGapKey}.{m}", $"gap({m})", Better.Lower, r => Lookup(r.FailureGaps, m), ResultTable.Percent)));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"missing.{m}", $"no {m}", Better.Higher, r => Lookup(r.Diagnostics.AccuracyMissing, m), ResultTable.Percent)));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"corrupted.{m}", $"{m} corrupted", Better.Higher, r => Lookup(r.Diagnostics.AccuracyCorrupted, m), ResultTable.Percent)));
        // Linear probes of the frozen encoders: "probe(all)" on the concatenated features, "probe(m)" on m's alone.
        columns.Add(new("probe", $"probe({ProbeResult.AllFeatures})", Better.Higher, r => r.Diagnostics.LinearProbes?[0].TestAccuracy, ResultTable.Percent));
        columns.AddRange(modalities.Select(m => new ComparisonColumn($"probe.{m}", $"probe({m})", Better.Higher,
            r => r.Diagnostics.LinearProbes?.Skip(1).FirstOrDefault(p => p.Features == m)?.TestAccuracy, ResultTable.Percent)));
        columns.Add(new("secondsPerEpoch", "s/epoch", Better.Lower, r => r.Diagnostics.SecondsPerEpoch, v => Fixed(v, "F2")));
        columns.Add(new("secondsPerStep", "ms/step", Better.Lower, r => r.Diagnostics.SecondsPerStep, v => Fixed(1000 * v, "F1")));
        return columns;
    }

    /// <summary>
    /// The summary table of <paramref name="results"/> in Markdown: one row per method, "mean ± std" cells, the best mean
    /// of each column with a direction in bold. Columns no method has are left out. Followed by the paired per-seed
    /// differences in accuracy against the baseline (<see cref="PairedDifferences"/>).
    /// </summary>
    public static string Markdown(ComparisonResults results)
    {
        ComparisonColumn[] columns = For(results.Modalities, results.MainMetric, results.TaskMetricNames).Where(c => results.Summary.Any(s => s.Metrics.ContainsKey(c.Key))).ToArray();
        var table = new ResultTable(columns.Select(c => c.Header).Prepend("method").ToArray());
        var best = columns.ToDictionary(c => c.Key, c => Best(c, results.Summary));
        foreach (MethodSummary method in results.Summary)
        {
            var cells = new List<string> { method.Method };
            foreach (ComparisonColumn column in columns)
            {
                if (!method.Metrics.TryGetValue(column.Key, out MetricSummary? summary))
                {
                    cells.Add("-");
                    continue;
                }
                string text = double.IsNaN(summary.Std) ? column.Format(summary.Mean) : $"{column.Format(summary.Mean)} ± {column.Format(summary.Std)}";
                cells.Add(best[column.Key] is double b && summary.Mean == b ? $"**{text}**" : text);
            }
            table.Rows.Add(cells);
        }
        string[] report = results.DataReport.Lines().ToArray();
        string variants = string.Concat(results.Variants.Select(v => $"- {v.Key}: {v.Value}\n"));
        return table.ToMarkdown() + (variants.Length == 0 ? "" : "\nVariants:\n\n" + variants) + (MachineSentence(results.Runs) is { Length: > 0 } machine ? $"\n{machine}\n" : "") + FloorNote(results) + PairedDifferences.Markdown(results.PairedAccuracy, results.MainMetric)
            + (report.Length == 0 ? "" : "\n" + string.Join("\n", report) + "\n");
    }

    /// <summary>
    /// The processor and kernel choice the runs trained with, in one sentence; when they differ, each with its rows and a
    /// warning, since float rounding differs between them and the paired differences then mix it with the methods' effect.
    /// </summary>
    public static string MachineSentence(IReadOnlyList<ComparisonRecord> runs)
    {
        var machines = runs.GroupBy(r => r.Machine.Length == 0 ? "not recorded" : r.Machine).ToArray();
        if (machines.Length <= 1) return machines.Length == 0 ? "" : $"Trained on: {machines[0].Key}.";
        string Rows(IEnumerable<ComparisonRecord> rows) => string.Join(", ", rows.GroupBy(r => r.Method).Select(m => $"{m.Key} ({(m.Count() == 1 ? "seed" : "seeds")} {string.Join(", ", m.Select(r => r.Seed))})"));
        return "Trained on more than one processor or kernel choice, which round floats differently, so the same seed can land points apart: "
               + string.Join("; ", machines.Select(m => $"{m.Key}: {Rows(m)}")) + ".";
    }

    /// <summary>The failure gap's seed-noise floor in words, or nothing when the comparison has none.</summary>
    public static string FloorNote(ComparisonResults results) => results.FailureGapFloor is not double floor ? "" :
        $"\nFailure gap from seed noise alone: {Fixed(100 * floor, "0.0")} points. A model that trained every modality exactly as well as its `m-only` row, " +
        "with noise of its own, would average this failure gap on these seeds (estimated from the `m-only` rows), because a run's gap is the largest of noisy " +
        "per-modality gaps. A mean failure gap near it is not modality failure; each gap(m) averages 0 without failure.\n";

    /// <summary>The best mean of <paramref name="column"/> over the methods (by its direction), or null when it has none.</summary>
    public static double? Best(ComparisonColumn column, IReadOnlyList<MethodSummary> summary)
    {
        double[] means = summary.Select(s => s.Metrics.TryGetValue(column.Key, out MetricSummary? m) ? m.Mean : double.NaN).Where(v => !double.IsNaN(v)).ToArray();
        if (means.Length == 0) return null;
        return column.Better switch
        {
            Better.Higher => means.Max(),
            Better.Lower => means.Min(),
            _ => null,
        };
    }

    private static double? Lookup(IReadOnlyDictionary<string, double>? values, string key) =>
        values is not null && values.TryGetValue(key, out double value) ? value : null;

    private static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
