using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Reporting;

/// <summary>A table of results (one row per run or method) that renders to Markdown or feeds a console table.</summary>
public sealed class ResultTable
{
    /// <summary>Creates an empty table with <paramref name="columns"/>.</summary>
    public ResultTable(IReadOnlyList<string> columns) => Columns = columns;

    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows of cell texts.</summary>
    public List<IReadOnlyList<string>> Rows { get; } = new();

    /// <summary>The standard table of finished runs: method, test metrics, each modality's own accuracy, training time.</summary>
    public static ResultTable FromRuns(IReadOnlyList<TrainingResult> runs, IReadOnlyList<string> modalities)
    {
        if (runs.Count > 0 && runs[0].Test.TaskMetrics.Count > 0) return FromTaskRuns(runs, modalities);
        var table = new ResultTable(new[] { "method", "accuracy", "mAP", "macro-F1" }
            .Concat(modalities.Select(m => $"acc({m})")).Append("train time").ToArray());
        foreach (TrainingResult run in runs)
        {
            var cells = new List<string> { run.Method, Percent(run.Test.Accuracy), Percent(run.Test.MeanAveragePrecision), Percent(run.Test.MacroF1) };
            cells.AddRange(modalities.Select(m => run.Test.ModalityAccuracy.TryGetValue(m, out double a) ? Percent(a) : "-"));
            cells.Add($"{run.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            table.Rows.Add(cells);
        }
        return table;
    }

    /// <summary>
    /// The table of multi-label or regression runs: method, every test metric of the task (the main one first), each
    /// modality's own-head main metric, training time. Values are plain numbers (CCC and MAE are not fractions).
    /// </summary>
    private static ResultTable FromTaskRuns(IReadOnlyList<TrainingResult> runs, IReadOnlyList<string> modalities)
    {
        EvaluationResult first = runs[0].Test;
        string[] metrics = first.TaskMetrics.Keys.ToArray();
        var table = new ResultTable(new[] { "method" }.Concat(metrics).Concat(modalities.Select(m => $"{first.MainMetric}({m})")).Append("train time").ToArray());
        foreach (TrainingResult run in runs)
        {
            var cells = new List<string> { run.Method };
            cells.AddRange(metrics.Select(name => run.Test.TaskMetrics.TryGetValue(name, out double v) ? Number(v) : "-"));
            cells.AddRange(modalities.Select(m => run.Test.ModalityAccuracy.TryGetValue(m, out double a) ? Number(a) : "-"));
            cells.Add($"{run.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            table.Rows.Add(cells);
        }
        return table;
    }

    /// <summary>Formats a metric that is not a percentage with three decimals ("-" when undefined).</summary>
    public static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>
    /// The demo's table: per run the test accuracy, each modality's own-logit accuracy and attribution share, the Shapley
    /// imbalance degree, and the accuracy with each modality missing (from <paramref name="shapley"/>'s coalitions; a run
    /// that does not read a modality keeps its full accuracy without it).
    /// </summary>
    public static ResultTable WithMissingModalities(IReadOnlyList<TrainingResult> runs, IReadOnlyList<DatasetShapley> shapley, IReadOnlyList<string> modalities)
    {
        var table = new ResultTable(new[] { "method", "accuracy" }
            .Concat(modalities.Select(m => $"acc({m})")).Concat(modalities.Select(m => $"share({m})")).Append("imbalance")
            .Concat(modalities.Select(m => $"no {m}")).Append("train time").ToArray());
        for (int r = 0; r < runs.Count; r++)
        {
            TrainingResult run = runs[r];
            DatasetShapley values = shapley[r];
            var cells = new List<string> { run.Method, Percent(run.Test.Accuracy) };
            cells.AddRange(modalities.Select(m => run.Test.ModalityAccuracy.TryGetValue(m, out double a) ? Percent(a) : "-"));
            cells.AddRange(modalities.Select(m => run.Test.AttributionShares.TryGetValue(m, out double s) ? Percent(s) : "-"));
            cells.Add(values.Modalities.Count < 2 ? "-" : ShapleyAccuracyDiagnostic.ImbalanceDegree(values.Values).ToString("F2", CultureInfo.InvariantCulture));
            cells.AddRange(modalities.Select(m => values.Modalities.ToList().IndexOf(m) is var i and >= 0
                ? Percent(values.CoalitionAccuracy[ModalityCoalitions.Without(values.Modalities.Count, i)])
                : Percent(values.Full)));
            cells.Add($"{run.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            table.Rows.Add(cells);
        }
        return table;
    }

    /// <summary>Formats a fraction as a percentage with one decimal ("-" when undefined).</summary>
    public static string Percent(double value) => double.IsNaN(value) ? "-" : (100 * value).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>GitHub-flavoured Markdown.</summary>
    public string ToMarkdown()
    {
        var lines = new List<string>
        {
            "| " + string.Join(" | ", Columns) + " |",
            "|" + string.Join("|", Columns.Select((_, i) => i == 0 ? "---" : "---:")) + "|",
        };
        lines.AddRange(Rows.Select(r => "| " + string.Join(" | ", r) + " |"));
        return string.Join("\n", lines) + "\n";
    }
}
