using System.Globalization;
using System.Text;
using Equimodal.Reporting;

namespace Equimodal.Report;

/// <summary>
/// Charts as inline SVG written by hand: a forest plot (<see cref="IntervalChart"/>) and lines over epochs
/// (<see cref="LineChart"/>). Each is a &lt;figure&gt; whose SVG has a title and a description giving the numbers in
/// words (the text alternative), every point carries its value on hover, and colours come from <see cref="Palette"/>.
/// </summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int RowHeight = 30;
    private const int Top = 10;
    private const int AxisHeight = 44;
    /// <summary>
    /// The forest plot of <paramref name="chart"/>: per row the seeds as open circles, the mean as a bar, the interval as a
    /// band; <paramref name="id"/> (unique in the page) names its title and description.
    /// </summary>
    public static string Render(IntervalChart chart, string id)
    {
        int left = Math.Min(260, 16 + 8 * chart.Rows.Max(r => r.Label.Length));
        int right = 20;
        int height = Top + RowHeight * chart.Rows.Count + AxisHeight;
        (double min, double max) = chart.Range();
        double X(double value) => left + (value - min) / (max - min) * (Width - left - right);
        var svg = new StringBuilder();
        Open(svg, id, height, chart.Title, string.Join("; ", chart.Rows.Select(r =>
            $"{r.Label}: mean {Html.Number(r.Mean)}" + (r.HasInterval ? $", 95 % interval {Html.Interval(r.Low, r.High)}" : "") +
            $", per seed {string.Join(", ", r.Points.Select(p => Html.Number(p)))}")));
        double bottom = Top + RowHeight * chart.Rows.Count;
        Axis(svg, min, max, X, bottom, Top, chart.Axis, left, Width - right);
        if (chart.Reference is double reference)
            svg.Append(Invariant($"<line x1=\"{X(reference):F1}\" y1=\"{Top}\" x2=\"{X(reference):F1}\" y2=\"{bottom}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n"));
        for (int i = 0; i < chart.Rows.Count; i++)
        {
            IntervalRow row = chart.Rows[i];
            string colour = Palette.Colour(row.Colour);
            double y = Top + RowHeight * (i + 0.5);
            svg.Append(Invariant($"<text x=\"{left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Html.Escape(row.Label)}</text>\n"));
            if (row.HasInterval)
            {
                svg.Append(Invariant($"<line x1=\"{X(row.Low):F1}\" y1=\"{y:F1}\" x2=\"{X(row.High):F1}\" y2=\"{y:F1}\" stroke=\"{colour}\" stroke-opacity=\"0.55\" stroke-width=\"6\">"))
                    .Append($"<title>{Html.Escape(row.Label)}: 95 % interval {Html.Interval(row.Low, row.High)}</title></line>\n");
            }
            svg.Append(Invariant($"<line x1=\"{X(row.Mean):F1}\" y1=\"{y - 10:F1}\" x2=\"{X(row.Mean):F1}\" y2=\"{y + 10:F1}\" stroke=\"{colour}\" stroke-width=\"3\">"))
                .Append($"<title>{Html.Escape(row.Label)}: mean {Html.Number(row.Mean)}</title></line>\n");
            for (int k = 0; k < row.Points.Count; k++)
            {
                double offset = ComparisonPlots.SeedOffset(k, row.Points.Count) * RowHeight;
                svg.Append(Invariant($"<circle cx=\"{X(row.Points[k]):F1}\" cy=\"{y + offset:F1}\" r=\"4\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\">"))
                    .Append($"<title>{Html.Escape(row.Label)}, seed {row.Seeds[k]}: {Html.Number(row.Points[k])}</title></circle>\n");
            }
        }
        return Close(svg, chart.Title, "");
    }

    /// <summary>The lines of <paramref name="chart"/> over epochs, with a legend under the plot (it wraps on a phone); <paramref name="id"/> as above.</summary>
    public static string Render(LineChart chart, string id)
    {
        const int left = 56, right = 16, height = 300;
        double bottom = height - AxisHeight;
        double[] xs = chart.Series.SelectMany(s => s.X).ToArray(), ys = chart.Series.SelectMany(s => s.Y).ToArray();
        (double xMin, double xMax) = Spread(xs.Min(), xs.Max());
        (double yMin, double yMax) = Spread(ys.Min(), ys.Max());
        double yMargin = 0.05 * (yMax - yMin);
        (yMin, yMax) = (yMin - yMargin, yMax + yMargin);
        double X(double value) => left + (value - xMin) / (xMax - xMin) * (Width - left - right);
        double Y(double value) => bottom - (value - yMin) / (yMax - yMin) * (bottom - Top);
        var svg = new StringBuilder();
        Open(svg, id, height, chart.Title, string.Join("; ", chart.Series.Select(s =>
            $"{s.Label}: {Html.Number(s.Y[0], 2)} at epoch {s.X[0]:0} to {Html.Number(s.Y[^1], 2)} at epoch {s.X[^1]:0}" +
            $" (lowest {Html.Number(s.Y.Min(), 2)}, highest {Html.Number(s.Y.Max(), 2)})")));
        Axis(svg, xMin, xMax, X, bottom, Top, "epoch", left, Width - right, integers: true);
        foreach (double tick in Ticks(yMin, yMax, 5))
        {
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(tick):F1}\" x2=\"{Width - right}\" y2=\"{Y(tick):F1}\" stroke=\"#e3e3e3\"/>"))
                .Append(Invariant($"<text x=\"{left - 6}\" y=\"{Y(tick) + 4:F1}\" text-anchor=\"end\">{TickText(tick, yMax - yMin)}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"12\" y=\"{(Top + bottom) / 2:F1}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {(Top + bottom) / 2:F1})\">{Html.Escape(chart.Axis)}</text>\n"));
        var legend = new StringBuilder("<ul class=\"legend\">");
        foreach (LineSeries series in chart.Series)
        {
            string colour = Palette.Colour(series.Colour);
            string stroke = Invariant($"stroke=\"{colour}\" stroke-width=\"2\"{(Palette.DashArrays[Palette.Dash(series.Colour)] is { } dashes ? $" stroke-dasharray=\"{dashes}\"" : "")}");
            string points = string.Join(" ", series.X.Zip(series.Y, (x, y) => Invariant($"{X(x):F1},{Y(y):F1}")));
            svg.Append($"<polyline fill=\"none\" {stroke} points=\"{points}\"><title>{Html.Escape(series.Label)}</title></polyline>\n");
            for (int k = 0; k < series.X.Count; k++)
            {
                svg.Append(Invariant($"<circle cx=\"{X(series.X[k]):F1}\" cy=\"{Y(series.Y[k]):F1}\" r=\"3\" fill=\"{colour}\">"))
                    .Append($"<title>{Html.Escape(series.Label)}, epoch {series.X[k]:0}: {Html.Number(series.Y[k], 2)}</title></circle>\n");
            }
            legend.Append($"<li><svg viewBox=\"0 0 28 10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" {stroke}/></svg> {Html.Escape(series.Label)}</li>");
        }
        return Close(svg, chart.Title, legend.Append("</ul>").ToString());
    }

    private static void Open(StringBuilder svg, string id, int height, string title, string description) =>
        svg.Append("<figure>\n")
            .Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n"))
            .Append($"<title id=\"{id}-title\">{Html.Escape(title)}</title>\n<desc id=\"{id}-desc\">{Html.Escape(description)}</desc>\n");

    private static string Close(StringBuilder svg, string title, string afterPlot) =>
        svg.Append("</svg>\n").Append(afterPlot).Append($"<figcaption>{Html.Escape(title)}</figcaption>\n</figure>\n").ToString();

    /// <summary>The horizontal axis at <paramref name="bottom"/> with ticks, grid lines up to <paramref name="top"/> and a label.</summary>
    private static void Axis(StringBuilder svg, double min, double max, Func<double, double> x, double bottom, double top, string label, double from, double to, bool integers = false)
    {
        svg.Append(Invariant($"<line x1=\"{from}\" y1=\"{bottom}\" x2=\"{to}\" y2=\"{bottom}\" stroke=\"#333\"/>\n"));
        foreach (double tick in Ticks(min, max, 6).Where(t => !integers || t == Math.Round(t)))
        {
            svg.Append(Invariant($"<line x1=\"{x(tick):F1}\" y1=\"{top}\" x2=\"{x(tick):F1}\" y2=\"{bottom}\" stroke=\"#e3e3e3\"/>"))
                .Append(Invariant($"<text x=\"{x(tick):F1}\" y=\"{bottom + 16}\" text-anchor=\"middle\">{(integers ? tick.ToString("0", CultureInfo.InvariantCulture) : TickText(tick, max - min))}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"{(from + to) / 2:F1}\" y=\"{bottom + 36}\" text-anchor=\"middle\">{Html.Escape(label)}</text>\n"));
    }

    /// <summary>Round tick values (1, 2 or 5 times a power of ten apart) inside [min, max], about <paramref name="count"/> of them.</summary>
    public static IReadOnlyList<double> Ticks(double min, double max, int count)
    {
        double raw = (max - min) / count;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        var ticks = new List<double>();
        for (double tick = Math.Ceiling(min / step) * step; tick <= max + 1e-9 * step; tick += step) ticks.Add(Math.Round(tick / step) * step);
        return ticks;
    }

    private static string TickText(double tick, double span) =>
        tick.ToString(span >= 10 ? "0" : span >= 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    // A flat series still needs a span to draw on.
    private static (double Min, double Max) Spread(double min, double max) => max - min > 1e-9 ? (min, max) : (min - 0.5, max + 0.5);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
