namespace Equimodal.Tasks;

/// <summary>A task's main metric: what model selection, Shapley values and failure gaps are computed on.</summary>
/// <param name="Name">Short name as tables show it, e.g. "accuracy", "mAP", "CCC".</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
public sealed record TaskMetric(string Name, bool HigherIsBetter);
