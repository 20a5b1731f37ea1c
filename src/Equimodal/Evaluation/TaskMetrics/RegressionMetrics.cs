namespace Equimodal.Evaluation.TaskMetrics;

/// <summary>
/// Regression metrics with scikit-learn's and SciPy's definitions: MAE and RMSE as <c>mean_absolute_error</c> and
/// <c>root_mean_squared_error</c>, Pearson r as <c>scipy.stats.pearsonr</c> (NaN when either side is constant, where the
/// correlation is undefined), R² as <c>r2_score</c> (constant targets give 1 for an exact fit and 0 otherwise, as its
/// <c>force_finite</c> default), and Lin's (1989) concordance correlation
/// CCC = 2 cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p))²) with population (1/N) moments, which is 1 only when
/// the predictions equal the targets and NaN when both are the same constant (0 / 0).
/// </summary>
public static class RegressionMetrics
{
    /// <summary>MAE, RMSE, Pearson r, CCC and R² of the predictions; every value is NaN when there are no samples.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold a NaN or infinity.</exception>
    public static RegressionScores Compute(double[] predictions, double[] targets)
    {
        Check(predictions, targets);
        int n = targets.Length;
        if (n == 0) return new RegressionScores(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double meanPrediction = predictions.Average(), meanTarget = targets.Average();
        double absolute = 0, squared = 0, crossDeviation = 0, predictionDeviation = 0, targetDeviation = 0;
        for (int i = 0; i < n; i++)
        {
            double error = predictions[i] - targets[i];
            absolute += Math.Abs(error);
            squared += error * error;
            double dp = predictions[i] - meanPrediction, dt = targets[i] - meanTarget;
            crossDeviation += dp * dt;
            predictionDeviation += dp * dp;
            targetDeviation += dt * dt;
        }
        // Constancy is tested on the values: the centred sums of a constant can be a rounding error away from 0.
        bool constantPredictions = IsConstant(predictions), constantTargets = IsConstant(targets);
        if (constantPredictions) predictionDeviation = 0;
        if (constantTargets) targetDeviation = 0;
        if (constantPredictions || constantTargets) crossDeviation = 0;
        double pearson = constantPredictions || constantTargets
            ? double.NaN
            : Math.Clamp(crossDeviation / Math.Sqrt(predictionDeviation * targetDeviation), -1, 1);
        double meanGap = meanTarget - meanPrediction;
        double cccDenominator = targetDeviation / n + predictionDeviation / n + meanGap * meanGap;
        double ccc = cccDenominator == 0 ? double.NaN : 2 * (crossDeviation / n) / cccDenominator;
        double rSquared = constantTargets ? (squared == 0 ? 1 : 0) : 1 - squared / targetDeviation;
        return new RegressionScores(absolute / n, Math.Sqrt(squared / n), pearson, ccc, rSquared);
    }

    /// <summary>
    /// The CMU-MOSI/MOSEI accuracies of a sentiment-like score, as the MMSA toolkit's <c>eval_mosi_regression</c>
    /// computes them (Has0_acc_2, Non0_acc_2, Mult_acc_7). <c>Binary</c>: negative (&lt; 0) against non-negative
    /// (&gt;= 0) over every sample. <c>NonZeroBinary</c>: the samples whose target is not 0 only, positive (&gt; 0)
    /// against the rest, the convention of MulT's <c>eval_mosi</c> with <c>exclude_zero=True</c> (NaN when every target is 0). <c>Classes</c>: both
    /// clipped to [<paramref name="low"/>, <paramref name="high"/>] and rounded to the nearest integer, halves to even
    /// (as <c>numpy.round</c>), then compared; on [-3, 3] that is the 7-class accuracy (high - low + 1 classes in
    /// general). Every value is NaN without samples.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold a NaN or infinity, or low is not below high.</exception>
    public static SentimentAccuracies ScoreAccuracies(double[] predictions, double[] targets, double low, double high)
    {
        Check(predictions, targets);
        if (!(low < high)) throw new ArgumentException($"The score range needs low < high, got [{low}, {high}].");
        int n = targets.Length;
        if (n == 0) return new SentimentAccuracies(double.NaN, double.NaN, double.NaN);
        int binary = 0, nonZero = 0, nonZeroBinary = 0, classes = 0;
        for (int i = 0; i < n; i++)
        {
            double p = predictions[i], t = targets[i];
            if (p >= 0 == t >= 0) binary++;
            if (t != 0)
            {
                nonZero++;
                if (p > 0 == t > 0) nonZeroBinary++;
            }
            if (Math.Round(Math.Clamp(p, low, high), MidpointRounding.ToEven) == Math.Round(Math.Clamp(t, low, high), MidpointRounding.ToEven)) classes++;
        }
        return new SentimentAccuracies((double)binary / n, nonZero == 0 ? double.NaN : (double)nonZeroBinary / nonZero, (double)classes / n);
    }

    private static bool IsConstant(double[] values) => values.All(v => v == values[0]);

    private static void Check(double[] predictions, double[] targets)
    {
        if (predictions.Length != targets.Length)
            throw new ArgumentException($"There are {predictions.Length} predictions but {targets.Length} targets.");
        if (predictions.Any(v => !double.IsFinite(v))) throw new ArgumentException("The predictions hold a NaN or infinity.");
        if (targets.Any(v => !double.IsFinite(v))) throw new ArgumentException("The targets hold a NaN or infinity.");
    }
}
