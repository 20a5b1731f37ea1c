
namespace Equimodal.Reporting;

/// <summary>One method's metrics summarized over its seeds, keyed by <see cref="ComparisonColumn.Key"/>.</summary>
/// <param name="Method">Method name.</param>
/// <param name="Metrics">Summary of each metric the method's runs have.</param>
public sealed record MethodSummary(string Method, IReadOnlyDictionary<string, MetricSummary> Metrics);
