namespace Equimodal.Data;

/// <summary>A fitted standardisation: (x - Mean) / Std.</summary>
/// <param name="Mean">Mean over the training split.</param>
/// <param name="Std">Standard deviation over the training split.</param>
public sealed record Standardization(float Mean, float Std);
