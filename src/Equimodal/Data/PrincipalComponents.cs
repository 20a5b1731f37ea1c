namespace Equimodal.Data;

/// <summary>Fitted principal components (row-major [Count, Features] basis) and the mean they are centred on.</summary>
/// <param name="Mean">Feature means over the fitted rows.</param>
/// <param name="Basis">The components, one row of Mean.Length values each, leading first.</param>
public sealed record PrincipalComponents(IReadOnlyList<double> Mean, IReadOnlyList<double[]> Basis);
