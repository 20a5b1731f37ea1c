namespace Equimodal.Reporting;

/// <summary>
/// Rows of per-seed points with a mean and an interval on one value axis (a forest plot when the values are
/// differences): what a reader needs to judge differences of a few points, which bars from zero hide.
/// </summary>
/// <param name="Title">Chart title.</param>
/// <param name="Axis">Value axis label.</param>
/// <param name="Rows">One row per method, top to bottom.</param>
/// <param name="Reference">Value of a vertical reference line (0 for differences), or null.</param>
public sealed record IntervalChart(string Title, string Axis, IReadOnlyList<IntervalRow> Rows, double? Reference)
{
    /// <summary>The value axis fitted to the points, the intervals and the reference, with a margin of 8 % of the span on each side.</summary>
    public (double Min, double Max) Range()
    {
        double[] values = Rows.SelectMany(r => r.Points.Concat(r.HasInterval ? new[] { r.Low, r.High } : Array.Empty<double>()))
            .Concat(Reference is double reference ? new[] { reference } : Array.Empty<double>()).Where(double.IsFinite).ToArray();
        if (values.Length == 0) return (0, 1);
        double min = values.Min(), max = values.Max();
        double margin = Math.Max(0.08 * (max - min), 0.5);
        return (min - margin, max + margin);
    }
}
