using Equimodal.Training;
using ScottPlot;

namespace Equimodal.Reporting;

/// <summary>The PNG figures of a comparison, drawn with ScottPlot.</summary>
public static class ComparisonPlots
{
    /// <summary>Figure width in pixels.</summary>
    public const int Width = 900;

    /// <summary>Figure height in pixels.</summary>
    public const int Height = 540;

    /// <summary>File name of the accuracy bar chart.</summary>
    public const string AccuracyFile = "accuracy.png";

    /// <summary>
    /// Writes accuracy.png (mean test accuracy per method with a standard-deviation error bar) and, per modality,
    /// validation-accuracy-{modality}.png (that modality's own validation accuracy over epochs, one line per method,
    /// mean over seeds) and attribution-share-{modality}.png (its mean attribution share on validation data over epochs,
    /// multimodal methods only). Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, ComparisonResults results, IReadOnlyDictionary<string, IReadOnlyList<TrainingResult>> runsByMethod)
    {
        var files = new List<string> { Path.Combine(folder, AccuracyFile) };
        WriteAccuracy(files[0], results);
        string[] conditions = new[] { "accuracy" }.Concat(results.Modalities.SelectMany(m => new[] { $"missing.{m}", $"corrupted.{m}" }))
            .Where(key => results.Summary.Any(s => s.Metrics.ContainsKey(key))).ToArray();
        if (conditions.Length > 1)
        {
            files.Add(Path.Combine(folder, RobustnessFile));
            WriteRobustness(files[^1], results, conditions);
        }
        foreach (string modality in results.Modalities)
        {
            string file = Path.Combine(folder, $"validation-accuracy-{modality}.png");
            bool drawn = WriteOverEpochs(file, $"Validation accuracy of the {modality} logits", $"accuracy({modality}) %", runsByMethod,
                record => record.Validation.ModalityAccuracy.TryGetValue(modality, out double a) ? 100 * a : null);
            if (drawn) files.Add(file);
            // Unimodal runs have a share of 1 by definition: only multimodal runs are drawn.
            string shareFile = Path.Combine(folder, $"attribution-share-{modality}.png");
            bool shareDrawn = WriteOverEpochs(shareFile, $"Validation attribution share of {modality}", $"share({modality}) %", runsByMethod,
                record => record.Validation.AttributionShares.Count > 1 && record.Validation.AttributionShares.TryGetValue(modality, out double share) ? 100 * share : null);
            if (shareDrawn) files.Add(shareFile);
        }
        string useFile = Path.Combine(folder, ModalityUseFile);
        if (WriteModalityUse(useFile, runsByMethod, results.Modalities)) files.Add(useFile);
        return files;
    }

    /// <summary>File name of the robustness plot (compare --robustness).</summary>
    public const string RobustnessFile = "robustness.png";

    /// <summary>Grouped bars: per method, the test accuracy intact, with each modality missing and with each corrupted.</summary>
    private static void WriteRobustness(string file, ComparisonResults results, IReadOnlyList<string> conditions)
    {
        var plot = new Plot();
        Color[] palette = { Colors.SteelBlue, Colors.OrangeRed, Colors.Orange, Colors.SeaGreen, Colors.MediumPurple, Colors.Gray };
        double width = 0.8 / conditions.Count;
        for (int c = 0; c < conditions.Count; c++)
        {
            int condition = c;
            Bar[] bars = results.Summary.Select((method, i) => method.Metrics.TryGetValue(conditions[condition], out MetricSummary? value)
                ? new Bar { Position = i - 0.4 + width * (condition + 0.5), Size = width, Value = 100 * value.Mean, FillColor = palette[condition % palette.Length] }
                : null).OfType<Bar>().ToArray();
            var series = plot.Add.Bars(bars);
            series.LegendText = conditions[c] == "accuracy" ? "all modalities" : conditions[c].Replace("missing.", "no ").Replace("corrupted.", "corrupted ");
        }
        MethodTicks(plot, results.Summary.Select(s => s.Method).ToArray());
        plot.ShowLegend(Edge.Right);
        plot.Title($"Test accuracy with a modality missing or corrupted (mean over {results.Seeds.Count} seeds)");
        plot.YLabel("accuracy %");
        plot.SavePng(file, Width, Height);
    }

    /// <summary>File name of the modality-use figure (runs trained with attr-reg's diagnostics=on).</summary>
    public const string ModalityUseFile = "modality-use.png";

    /// <summary>
    /// Draws the per-epoch modality-use diagnostics (<see cref="Evaluation.ModalityUse"/>, logged as method metrics
    /// "...use.{quantity}.{modality}") in one panel per quantity, one line per run label and modality, mean over the
    /// label's runs. Returns false (and writes nothing) when no run logged them.
    /// </summary>
    public static bool WriteModalityUse(string file, IReadOnlyDictionary<string, IReadOnlyList<TrainingResult>> runsByLabel, IReadOnlyList<string> modalities)
    {
        string[] quantities =
        {
            Evaluation.ModalityUse.AttributionShare, Evaluation.ModalityUse.EmbeddingNorm, Evaluation.ModalityUse.FusionWeightNorm,
            Evaluation.ModalityUse.AblationAccuracyDrop, Evaluation.ModalityUse.OwnAccuracy,
        };
        var multiplot = new Multiplot();
        // A new multiplot holds one empty plot; the panels are added below.
        foreach (Plot empty in multiplot.GetPlots()) multiplot.RemovePlot(empty);
        bool any = false;
        foreach (string quantity in quantities)
        {
            var series = runsByLabel.SelectMany(label => modalities.Select(modality => (
                Label: $"{label.Key} {modality}",
                Runs: label.Value,
                Value: (Func<EpochRecord, double?>)(record => record.MethodMetrics.FirstOrDefault(m => m.Key.EndsWith($"use.{quantity}.{modality}", StringComparison.Ordinal)) is { Key: not null } metric ? metric.Value : null))));
            var plot = new Plot();
            if (!DrawOverEpochs(plot, quantity, quantity, series)) continue;
            multiplot.AddPlot(plot);
            any = true;
        }
        if (any) multiplot.SavePng(file, Width, Height / 2 * multiplot.Count());
        return any;
    }

    private static void WriteAccuracy(string file, ComparisonResults results)
    {
        var plot = new Plot();
        // A method with no finished run (compare --aggregate on part of a grid) keeps its place on the axis without a bar.
        var bars = results.Summary.Select((method, i) => method.Metrics.TryGetValue("accuracy", out MetricSummary? accuracy)
            ? new Bar { Position = i, Value = 100 * accuracy.Mean, Error = double.IsNaN(accuracy.Std) ? 0 : 100 * accuracy.Std, FillColor = Colors.SteelBlue }
            : null).OfType<Bar>().ToArray();
        plot.Add.Bars(bars);
        MethodTicks(plot, results.Summary.Select(s => s.Method).ToArray());
        plot.Title($"Test accuracy (mean ± std over {results.Seeds.Count} seeds)");
        plot.YLabel("accuracy %");
        plot.SavePng(file, Width, Height);
    }

    /// <summary>Method names under their bars.</summary>
    private static void MethodTicks(Plot plot, string[] names)
    {
        plot.Axes.Bottom.SetTicks(names.Select((_, i) => (double)i).ToArray(), names);
        // Method names are long: slanted labels keep a dozen methods readable side by side, and the axis grows to fit them.
        const float slant = 35;
        plot.Axes.Bottom.TickLabelStyle.Rotation = -slant;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // Height of the longest slanted name: about 0.6 font sizes per character, times sin(slant).
        float longest = 0.6f * plot.Axes.Bottom.TickLabelStyle.FontSize * names.Max(n => n.Length);
        plot.Axes.Bottom.MinimumSize = 16 + longest * MathF.Sin(slant * MathF.PI / 180);
        plot.Axes.Margins(bottom: 0);
    }

    private static bool WriteOverEpochs(string file, string title, string label, IReadOnlyDictionary<string, IReadOnlyList<TrainingResult>> runsByMethod, Func<EpochRecord, double?> value)
    {
        var plot = new Plot();
        if (!DrawOverEpochs(plot, title, label, runsByMethod.Select(x => (x.Key, x.Value, value)))) return false;
        plot.SavePng(file, Width, Height);
        return true;
    }

    /// <summary>Draws one line per series (mean over its runs of a per-epoch value); false when no series has a value.</summary>
    private static bool DrawOverEpochs(Plot plot, string title, string label, IEnumerable<(string Label, IReadOnlyList<TrainingResult> Runs, Func<EpochRecord, double?> Value)> series)
    {
        // 25 distinct colours, so a comparison of a dozen methods never repeats one.
        plot.Add.Palette = new ScottPlot.Palettes.Tsitsulin();
        bool any = false;
        foreach ((string method, IReadOnlyList<TrainingResult> runs, Func<EpochRecord, double?> value) in series)
        {
            if (runs.Count == 0) continue; // a method with no finished run yet (compare --aggregate)
            int epochs = runs.Min(r => r.History.Count);
            var points = Enumerable.Range(0, epochs)
                .Select(e => (Epoch: e + 1.0, Values: runs.Select(r => value(r.History[e])).OfType<double>().ToArray()))
                .Where(p => p.Values.Length == runs.Count)
                .ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Values.Average()).ToArray());
            line.LegendText = method;
            any = true;
        }
        if (!any) return false;
        // Outside the data area: a legend of many methods would hide the lines.
        plot.ShowLegend(Edge.Right);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(label);
        return true;
    }
}
