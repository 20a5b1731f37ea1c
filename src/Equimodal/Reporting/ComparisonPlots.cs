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

    /// <summary>File name of the accuracy plot: per-seed points above the paired differences.</summary>
    public const string AccuracyFile = "accuracy.png";

    /// <summary>File name of the failure-gap plot (comparisons with `NAME-only` rows).</summary>
    public const string FailureGapFile = "failure-gap.png";

    /// <summary>
    /// Writes accuracy.png (per-seed test accuracy of each method with its mean, above the paired differences to the
    /// baseline with their 95 % intervals: <see cref="Charts.Accuracy"/>, <see cref="Charts.PairedAccuracy"/>),
    /// failure-gap.png when the comparison has unimodal rows (<see cref="Charts.FailureGaps"/>), robustness.png when
    /// measured, the per-epoch charts of <see cref="Charts.ComparisonEpochs"/> and modality-use.png when logged.
    /// <paramref name="historiesByMethod"/> holds each method's runs' metrics.jsonl records. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, ComparisonResults results, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<EpochRecord>>> historiesByMethod)
    {
        var files = new List<string> { Path.Combine(folder, AccuracyFile) };
        Stacked(new[] { Charts.Accuracy(results), Charts.PairedAccuracy(results) }.OfType<IntervalChart>().Select(Draw)).SavePng(files[0], Width, Height);
        if (Charts.FailureGaps(results) is { } gaps)
        {
            files.Add(Path.Combine(folder, FailureGapFile));
            Draw(gaps).SavePng(files[^1], Width, Height);
        }
        string[] conditions = new[] { "accuracy" }.Concat(results.Modalities.SelectMany(m => new[] { $"missing.{m}", $"corrupted.{m}" }))
            .Where(key => results.Summary.Any(s => s.Metrics.ContainsKey(key))).ToArray();
        if (conditions.Length > 1)
        {
            files.Add(Path.Combine(folder, RobustnessFile));
            WriteRobustness(files[^1], results, conditions);
        }
        foreach ((string name, LineChart chart) in Charts.ComparisonEpochs(results.Modalities, historiesByMethod))
        {
            files.Add(Path.Combine(folder, name));
            Draw(chart).SavePng(files[^1], Width, Height);
        }
        IReadOnlyList<LineChart> use = Charts.ModalityUse(historiesByMethod, results.Modalities);
        if (use.Count > 0)
        {
            files.Add(Path.Combine(folder, ModalityUseFile));
            Stacked(use.Select(Draw)).SavePng(files[^1], Width, Height / 2 * use.Count);
        }
        return files;
    }

    /// <summary>The plots one above the other in one figure.</summary>
    private static Multiplot Stacked(IEnumerable<Plot> plots)
    {
        var multiplot = new Multiplot();
        // A new multiplot holds one empty plot.
        foreach (Plot empty in multiplot.GetPlots()) multiplot.RemovePlot(empty);
        foreach (Plot plot in plots) multiplot.AddPlot(plot);
        return multiplot;
    }

    /// <summary>
    /// A forest plot: one row per method, its per-seed points (small, spread vertically so equal values stay visible), its
    /// mean (a tall bar) and its interval (a thick line), on an x axis fitted to the values.
    /// </summary>
    private static Plot Draw(IntervalChart chart)
    {
        var plot = new Plot();
        int rows = chart.Rows.Count;
        if (chart.Reference is double reference)
        {
            var line = plot.Add.VerticalLine(reference);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
        }
        for (int i = 0; i < rows; i++)
        {
            IntervalRow row = chart.Rows[i];
            double y = rows - 1 - i;
            Color colour = Color.FromHex(Palette.Colour(row.Colour));
            if (row.HasInterval)
            {
                var interval = plot.Add.Line(row.Low, y, row.High, y);
                interval.LineWidth = 4;
                interval.Color = colour.WithAlpha(0.6);
            }
            var mean = plot.Add.Line(row.Mean, y - 0.3, row.Mean, y + 0.3);
            mean.LineWidth = 3;
            mean.Color = colour;
            double[] offsets = row.Points.Select((_, k) => y + SeedOffset(k, row.Points.Count)).ToArray();
            var points = plot.Add.ScatterPoints(row.Points.ToArray(), offsets);
            points.MarkerSize = 7;
            points.MarkerShape = MarkerShape.OpenCircle;
            points.Color = colour;
        }
        (double min, double max) = chart.Range();
        plot.Axes.SetLimits(min, max, -0.6, rows - 0.4);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(i => (double)(rows - 1 - i)).ToArray(), chart.Rows.Select(r => r.Label).ToArray());
        plot.Title(chart.Title);
        plot.XLabel(chart.Axis);
        return plot;
    }

    /// <summary>Vertical offset (in rows) of seed <paramref name="index"/> of <paramref name="count"/>: within +-0.2 of the row.</summary>
    public static double SeedOffset(int index, int count) => count < 2 ? 0 : 0.4 * index / (count - 1) - 0.2;

    // ScottPlot's patterns in the order of Palette.DashArrays.
    private static readonly LinePattern[] LinePatterns = { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };

    /// <summary>One line per series in the palette's colours and dash patterns, the legend outside the data.</summary>
    private static Plot Draw(LineChart chart)
    {
        var plot = new Plot();
        foreach (LineSeries series in chart.Series)
        {
            var line = plot.Add.Scatter(series.X.ToArray(), series.Y.ToArray());
            line.LegendText = series.Label;
            line.Color = Color.FromHex(Palette.Colour(series.Colour));
            line.LinePattern = LinePatterns[Palette.Dash(series.Colour)];
        }
        // Outside the data area: a legend of many methods would hide the lines.
        plot.ShowLegend(Edge.Right);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(chart.Title);
        plot.XLabel("epoch");
        plot.YLabel(chart.Axis);
        return plot;
    }

    /// <summary>File name of the robustness plot (compare --robustness).</summary>
    public const string RobustnessFile = "robustness.png";

    /// <summary>Grouped bars: per method, the test accuracy intact, with each modality missing and with each corrupted.</summary>
    private static void WriteRobustness(string file, ComparisonResults results, IReadOnlyList<string> conditions)
    {
        var plot = new Plot();
        double width = 0.8 / conditions.Count;
        for (int c = 0; c < conditions.Count; c++)
        {
            int condition = c;
            Bar[] bars = results.Summary.Select((method, i) => method.Metrics.TryGetValue(conditions[condition], out MetricSummary? value)
                ? new Bar { Position = i - 0.4 + width * (condition + 0.5), Size = width, Value = 100 * value.Mean, FillColor = Color.FromHex(Palette.Colour(condition)) }
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

    /// <summary>File name of the modality-use figure (runs trained with --modality-use true).</summary>
    public const string ModalityUseFile = "modality-use.png";

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
}
