namespace Equimodal.Tasks;

/// <summary>The loss a regression model trains with.</summary>
public enum RegressionLoss
{
    /// <summary>Mean squared error over samples and targets.</summary>
    Mse,

    /// <summary>Huber (smooth L1) loss with threshold <see cref="TaskOptions.HuberDelta"/>: quadratic below it, linear above, so outliers pull less.</summary>
    Huber,
}
