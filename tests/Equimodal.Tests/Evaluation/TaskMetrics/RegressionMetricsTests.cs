using Equimodal.Evaluation.TaskMetrics;

namespace Equimodal.Tests.Evaluation.TaskMetrics;

public class RegressionMetricsTests
{
    [Fact]
    public void Every_score_matches_hand_computation()
    {
        // errors 0, -1, 1, -1; means 2.75 and 3; centred products sum to 10, squares 8.75 (predictions) and 14 (targets).
        RegressionScores scores = RegressionMetrics.Compute(new double[] { 1, 2, 3, 5 }, new double[] { 1, 3, 2, 6 });
        Assert.Equal(0.75, scores.Mae, 12);
        Assert.Equal(Math.Sqrt(0.75), scores.Rmse, 12);
        Assert.Equal(10 / Math.Sqrt(8.75 * 14), scores.Pearson, 12);
        // CCC = 2 * (10/4) / (14/4 + 8.75/4 + 0.25^2) = 5 / 5.75
        Assert.Equal(5 / 5.75, scores.Ccc, 12);
        Assert.Equal(1 - 3.0 / 14, scores.RSquared, 12);
    }

    [Fact]
    public void Matches_scikit_learn_and_scipy_on_a_fixed_case()
    {
        // scikit-learn 1.2.1, SciPy 1.10.1: mean_absolute_error(t, p), np.sqrt(mean_squared_error(t, p)), r2_score(t, p),
        // scipy.stats.pearsonr(t, p)[0], and 2*np.cov(t, p, bias=True)[0, 1] / (t.var() + p.var() + (t.mean() - p.mean())**2).
        double[] p = { 0.3, -1.2, 2.5, 0.0, 1.7, -2.9, 0.8 };
        double[] t = { 0.5, -0.4, 2.0, -0.6, 1.1, -3.0, 1.4 };
        RegressionScores scores = RegressionMetrics.Compute(p, t);
        Assert.Equal(0.48571428571428577, scores.Mae, 12);
        Assert.Equal(0.5371884479132333, scores.Rmse, 12);
        Assert.Equal(0.879741452627998, scores.RSquared, 12);
        Assert.Equal(0.9471830314136646, scores.Pearson, 12);
        Assert.Equal(0.9443788844308079, scores.Ccc, 12);
    }

    [Fact]
    public void Concordance_is_one_only_for_equal_values_while_correlation_ignores_a_shift()
    {
        double[] targets = { 1, 2, 4 };
        RegressionScores exact = RegressionMetrics.Compute(targets, targets);
        Assert.Equal(1, exact.Ccc, 12);
        Assert.Equal(1, exact.Pearson, 12);
        // Shifted by one: population variance 14/9 each, covariance 14/9, mean gap 1: CCC = (28/9) / (37/9).
        RegressionScores shifted = RegressionMetrics.Compute(new double[] { 2, 3, 5 }, targets);
        Assert.Equal(1, shifted.Pearson, 12);
        Assert.Equal(28.0 / 37, shifted.Ccc, 12);
        Assert.Equal(1 - 3 / (42.0 / 9), shifted.RSquared, 12);
    }

    [Fact]
    public void Constant_predictions_have_no_correlation_but_a_concordance_of_zero()
    {
        // scipy.stats.pearsonr([1, 2, 3], [2, 2, 2]) is nan; R^2 = 1 - (1 + 0 + 1) / 2.
        RegressionScores scores = RegressionMetrics.Compute(new double[] { 2, 2, 2 }, new double[] { 1, 2, 3 });
        Assert.True(double.IsNaN(scores.Pearson));
        Assert.Equal(0, scores.Ccc, 12);
        Assert.Equal(0, scores.RSquared, 12);
        Assert.Equal(2.0 / 3, scores.Mae, 12);
    }

    [Fact]
    public void Constant_targets_give_r_squared_one_when_exact_and_zero_otherwise()
    {
        // As r2_score's force_finite: r2_score([2, 2, 2], [2, 3, 2]) == 0.0. The constancy is tested on the values, so
        // 0.1 repeated (whose mean is not exactly 0.1) behaves the same; scikit-learn 1.2.1 returns -1.7e31 there.
        double[] constant = { 0.1, 0.1, 0.1 };
        RegressionScores exact = RegressionMetrics.Compute(constant, constant);
        Assert.Equal(1, exact.RSquared);
        Assert.True(double.IsNaN(exact.Pearson));
        Assert.True(double.IsNaN(exact.Ccc));
        Assert.Equal(0, exact.Mae);
        Assert.Equal(0, RegressionMetrics.Compute(new double[] { 0.1, 0.2, 0.1 }, constant).RSquared);
        Assert.Equal(0, RegressionMetrics.Compute(new double[] { 2, 3, 2 }, new double[] { 2, 2, 2 }).RSquared);
        // Targets constant, predictions not: CCC = 0 / (var(p) + gap^2) = 0.
        Assert.Equal(0, RegressionMetrics.Compute(new double[] { 0.1, 0.2, 0.1 }, constant).Ccc, 12);
    }

    [Fact]
    public void No_samples_give_nan_and_bad_inputs_are_refused()
    {
        RegressionScores empty = RegressionMetrics.Compute(Array.Empty<double>(), Array.Empty<double>());
        Assert.True(new[] { empty.Mae, empty.Rmse, empty.Pearson, empty.Ccc, empty.RSquared }.All(double.IsNaN));
        Assert.Contains("2 predictions but 3 targets", Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute(new double[2], new double[3])).Message);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute(new[] { double.NaN }, new[] { 1.0 }));
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute(new[] { 1.0 }, new[] { double.PositiveInfinity }));
    }

    [Fact]
    public void Score_accuracies_split_at_zero_both_ways_and_round_clipped_values_halves_to_even()
    {
        // predictions -3.7, -0.4, 0.5, 2.5, 2.4, 0, 1.2 ; targets -3, 0.2, 0.4, 2.4, 3.9, -0.1, 0
        // binary, negative vs non-negative, all 7: yes, no (-0.4 vs 0.2), yes, yes, yes, no (0 vs -0.1), yes (1.2 vs 0) -> 5/7
        // binary without the zero target (6 left), positive vs not: yes, no, yes, yes, yes, yes (0 is not positive, nor is -0.1) -> 5/6
        // clipped to [-3, 3] and rounded: -3/-3, 0/0, 0/0 (0.5 to even), 2/2 (2.5 to even), 2/3, 0/0, 1/0 -> 5/7
        SentimentAccuracies a = RegressionMetrics.ScoreAccuracies(
            new[] { -3.7, -0.4, 0.5, 2.5, 2.4, 0.0, 1.2 }, new[] { -3.0, 0.2, 0.4, 2.4, 3.9, -0.1, 0.0 }, -3, 3);
        Assert.Equal(5.0 / 7, a.Binary, 12);
        Assert.Equal(5.0 / 6, a.NonZeroBinary, 12);
        Assert.Equal(5.0 / 7, a.Classes, 12);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.ScoreAccuracies(new[] { 1.0 }, new[] { 1.0 }, 3, -3));
        SentimentAccuracies empty = RegressionMetrics.ScoreAccuracies(Array.Empty<double>(), Array.Empty<double>(), -3, 3);
        Assert.True(double.IsNaN(empty.Binary) && double.IsNaN(empty.NonZeroBinary) && double.IsNaN(empty.Classes));
        // Only zero targets: the non-zero accuracy is undefined, the others are not (0.3 rounds to 0, -0.6 to -1).
        SentimentAccuracies zeros = RegressionMetrics.ScoreAccuracies(new[] { 0.3, -0.6 }, new[] { 0.0, 0.0 }, -3, 3);
        Assert.Equal(0.5, zeros.Binary, 12);
        Assert.True(double.IsNaN(zeros.NonZeroBinary));
        Assert.Equal(0.5, zeros.Classes, 12);
    }
}
