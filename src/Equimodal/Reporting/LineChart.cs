namespace Equimodal.Reporting;

/// <summary>Lines over epochs on shared axes.</summary>
/// <param name="Title">Chart title.</param>
/// <param name="Axis">Value axis label.</param>
/// <param name="Series">The lines; a chart without any is not drawn.</param>
public sealed record LineChart(string Title, string Axis, IReadOnlyList<LineSeries> Series);
