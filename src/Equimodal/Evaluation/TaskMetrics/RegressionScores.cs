namespace Equimodal.Evaluation.TaskMetrics;

/// <summary>Regression metrics of predictions against targets (see <see cref="RegressionMetrics.Compute"/>).</summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="Pearson">Pearson correlation; NaN when the predictions or the targets are constant.</param>
/// <param name="Ccc">Lin's concordance correlation coefficient (population moments); NaN when both are one and the same constant.</param>
/// <param name="RSquared">Coefficient of determination 1 - SS_res / SS_tot; for constant targets 1 when exact, else 0.</param>
public sealed record RegressionScores(double Mae, double Rmse, double Pearson, double Ccc, double RSquared);
