namespace Equimodal.Inference;

/// <summary>A sample that could not be read, and why.</summary>
/// <param name="Id">Sample id.</param>
/// <param name="Reason">The error, naming the file.</param>
public sealed record PredictionFailure(string Id, string Reason);
