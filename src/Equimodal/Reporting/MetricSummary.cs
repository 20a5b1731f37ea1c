namespace Equimodal.Reporting;

/// <summary>Mean and sample standard deviation (n - 1; NaN for a single value) of one metric over seeds.</summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Std">Sample standard deviation over seeds.</param>
/// <param name="Count">Number of seeds with a value.</param>
public sealed record MetricSummary(double Mean, double Std, int Count)
{
    /// <summary>Summarizes <paramref name="values"/> (at least one).</summary>
    public static MetricSummary Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("A summary needs at least one value.", nameof(values));
        double mean = values.Average();
        double std = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MetricSummary(mean, std, values.Count);
    }
}
