namespace Equimodal.Data.Datasets;

/// <summary>A sample left out by <c>--on-bad-sample skip</c>, with the reason.</summary>
/// <param name="Id">Sample id.</param>
/// <param name="Reason">The error that made it unusable (names the file).</param>
public sealed record SkippedSample(string Id, string Reason);
