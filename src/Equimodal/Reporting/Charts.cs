using Equimodal.Training;

namespace Equimodal.Reporting;

/// <summary>
/// The charts of a comparison and of a run, as data: <see cref="ComparisonPlots"/> draws them as PNG and the HTML report
/// as SVG, so both show the same numbers.
/// </summary>
public static class Charts
{
    // A method's colour is its position in the comparison, whichever chart it appears in.
    private static int ColourOf(ComparisonResults results, string method) => results.Methods.ToList().IndexOf(method);

    /// <summary>Test accuracy (%) of every run, one row per method with its mean over seeds (another task: its main metric x100).</summary>
    public static IntervalChart Accuracy(ComparisonResults results) => new(
        $"Test {results.MainMetric} per seed ({results.Seeds.Count} seeds; the bar is the mean)", Scale(results.MainMetric),
        results.Methods.Select(method =>
        {
            ComparisonRecord[] runs = results.Runs.Where(r => r.Method == method).OrderBy(r => r.Seed).ToArray();
            double[] points = runs.Select(r => 100 * r.Accuracy).ToArray();
            return new IntervalRow(method, runs.Select(r => r.Seed).ToArray(), points, points.Length == 0 ? double.NaN : points.Average(), double.NaN, double.NaN, ColourOf(results, method));
        }).Where(r => r.Points.Count > 0).ToArray(), null);

    /// <summary>The paired differences in test accuracy against the baseline (points), or null when there are none.</summary>
    public static IntervalChart? PairedAccuracy(ComparisonResults results) => results.PairedAccuracy.Count == 0 ? null : new(
        $"Test {results.MainMetric} minus {results.PairedAccuracy[0].Baseline}'s on the same seed, with the 95 % interval of the mean", "difference (points)",
        results.PairedAccuracy.Select(d => IntervalRow.Of(d, ColourOf(results, d.Method))).ToArray(), 0);

    /// <summary>
    /// Each method's failure gap (points) per seed with its mean and the 95 % interval of the mean, or null when no run has
    /// one. The gap is itself a per-seed difference (unimodal row minus own logits), hence the paired interval.
    /// </summary>
    public static IntervalChart? FailureGaps(ComparisonResults results)
    {
        var rows = new List<IntervalRow>();
        foreach (string method in results.Methods)
        {
            ComparisonRecord[] runs = results.Runs.Where(r => r.Method == method && r.FailureGap is not null).OrderBy(r => r.Seed).ToArray();
            if (runs.Length == 0) continue;
            rows.Add(IntervalRow.Of(PairedDifference.Of(method, "unimodal", runs.Select(r => r.Seed).ToArray(), runs.Select(r => 100 * r.FailureGap!.Value).ToArray()),
                ColourOf(results, method)));
        }
        return rows.Count == 0 ? null : new IntervalChart(
            $"Failure gap per seed (m-only {results.MainMetric} minus {(results.MainMetric == "accuracy" ? "acc" : results.MainMetric)}(m), largest m), with the 95 % interval of the mean" +
            (results.FailureGapFloor is double floor ? FormattableString.Invariant($"; seed noise alone gives {100 * floor:0.0}") : ""), "failure gap (points)", rows, 0);
    }

    /// <summary>
    /// One line per group of runs (a method, or one run): the mean over its runs of its value per epoch,
    /// drawn over the epochs every run has a value for.
    /// </summary>
    public static LineChart OverEpochs(string title, string axis, IEnumerable<(string Label, IReadOnlyList<IReadOnlyList<EpochRecord>> Runs, Func<EpochRecord, double?> Value)> groups)
    {
        var series = new List<LineSeries>();
        int colour = -1;
        foreach ((string label, IReadOnlyList<IReadOnlyList<EpochRecord>> runs, Func<EpochRecord, double?> value) in groups)
        {
            colour++;
            if (runs.Count == 0) continue;
            int epochs = runs.Min(r => r.Count);
            var points = Enumerable.Range(0, epochs)
                .Select(e => (Epoch: runs[0][e].Epoch, Values: runs.Select(r => value(r[e])).OfType<double>().ToArray()))
                .Where(p => p.Values.Length == runs.Count)
                .ToArray();
            if (points.Length > 0) series.Add(new LineSeries(label, points.Select(p => (double)p.Epoch).ToArray(), points.Select(p => p.Values.Average()).ToArray(), colour));
        }
        return new LineChart(title, axis, series);
    }

    /// <summary>
    /// The per-epoch charts of a comparison: per modality its own validation accuracy and (multimodal runs only: a
    /// unimodal run's share is 1 by definition) its validation attribution share, one line per method, mean over seeds.
    /// Keys are the PNG file names <see cref="ComparisonPlots"/> writes.
    /// </summary>
    public static IReadOnlyList<(string File, LineChart Chart)> ComparisonEpochs(IReadOnlyList<string> modalities, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<EpochRecord>>> historiesByMethod)
    {
        var charts = new List<(string, LineChart)>();
        string metric = historiesByMethod.Values.SelectMany(runs => runs).Select(MainMetric).FirstOrDefault() ?? "accuracy";
        foreach (string modality in modalities)
        {
            charts.Add(($"validation-accuracy-{modality}.png", OverEpochs($"Validation {metric} of the {modality} logits", metric == "accuracy" ? $"accuracy({modality}) %" : $"{metric}({modality}) x100",
                historiesByMethod.Select(m => (m.Key, m.Value, (Func<EpochRecord, double?>)(r => r.Validation.ModalityAccuracy.TryGetValue(modality, out double a) ? 100 * a : null))))));
            charts.Add(($"attribution-share-{modality}.png", OverEpochs($"Validation attribution share of {modality}", $"share({modality}) %",
                historiesByMethod.Select(m => (m.Key, m.Value, (Func<EpochRecord, double?>)(r =>
                    r.Validation.AttributionShares.Count > 1 && r.Validation.AttributionShares.TryGetValue(modality, out double s) ? 100 * s : null))))));
        }
        return charts.Where(c => c.Item2.Series.Count > 0).ToArray();
    }

    /// <summary>
    /// The per-epoch modality-use diagnostics (<see cref="Evaluation.ModalityUse"/>, logged as epoch metrics
    /// "modality-use.{quantity}.{modality}", or "attr-reg.use.{quantity}.{modality}" by older runs), one chart per quantity
    /// some run logged, one line per group and modality.
    /// </summary>
    public static IReadOnlyList<LineChart> ModalityUse(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<EpochRecord>>> historiesByLabel, IReadOnlyList<string> modalities)
    {
        string[] quantities =
        {
            Evaluation.ModalityUse.AttributionShare, Evaluation.ModalityUse.EmbeddingNorm, Evaluation.ModalityUse.FusionWeightNorm,
            Evaluation.ModalityUse.AblationAccuracyDrop, Evaluation.ModalityUse.OwnAccuracy,
        };
        return quantities.Select(quantity => OverEpochs(quantity, quantity, historiesByLabel.SelectMany(label => modalities.Select(modality => (
                $"{label.Key} {modality}",
                label.Value,
                (Func<EpochRecord, double?>)(record => record.MethodMetrics.FirstOrDefault(m => m.Key.EndsWith($"use.{quantity}.{modality}", StringComparison.Ordinal)) is { Key: not null } metric ? metric.Value : null))))))
            .Where(chart => chart.Series.Count > 0).ToArray();
    }

    /// <summary>The name of the main metric the run's validation records carry ("accuracy" for classification; regression has no training accuracy).</summary>
    // The y axis of a main metric drawn times 100: accuracy in percent, CCC or mAP x100.
    private static string Scale(string metric) => metric == "accuracy" ? "accuracy %" : $"{metric} x100";

    private static string MainMetric(IReadOnlyList<EpochRecord> history) => history.Count > 0 ? history[0].Validation.MainMetric : "accuracy";

    /// <summary>
    /// The training curves of one run: loss; fused accuracy on train and validation with each modality's own validation
    /// accuracy; each modality's validation attribution share (multimodal runs).
    /// </summary>
    public static IReadOnlyList<LineChart> RunCurves(IReadOnlyList<EpochRecord> history, IReadOnlyList<string> modalities)
    {
        IReadOnlyList<IReadOnlyList<EpochRecord>> run = new[] { history };
        (string, IReadOnlyList<IReadOnlyList<EpochRecord>>, Func<EpochRecord, double?>) Line(string label, Func<EpochRecord, double?> value) => (label, run, value);
        var charts = new[]
        {
            OverEpochs("Training loss", MainMetric(history) == "accuracy" ? "cross-entropy" : "loss", new[] { Line("train loss", r => r.TrainLoss), Line("validation loss", r => r.Validation.Loss) }),
            OverEpochs(MainMetric(history) == "accuracy" ? "Accuracy" : MainMetric(history), Scale(MainMetric(history)),
                new[] { Line("train", r => double.IsNaN(r.TrainAccuracy) ? null : 100 * r.TrainAccuracy), Line("validation", r => 100 * r.Validation.Accuracy) }
                .Concat(modalities.Select(m => Line($"validation acc({m})", r => r.Validation.ModalityAccuracy.TryGetValue(m, out double a) ? 100 * a : null)))),
            OverEpochs("Validation attribution share", "share %", modalities.Select(m =>
                Line($"share({m})", r => r.Validation.AttributionShares.Count > 1 && r.Validation.AttributionShares.TryGetValue(m, out double s) ? 100 * s : null))),
        };
        return charts.Where(c => c.Series.Count > 0).ToArray();
    }
}
