using Equimodal.Evaluation;
using Equimodal.Tasks;

namespace Equimodal.Tests.Evaluation;

public class TaskEvaluationTests
{
    // Two targets ("valence", "arousal") over four samples; the audio head predicts 0 everywhere.
    private static readonly double[,] Predictions = { { 1.4, -2.6 }, { -0.2, 0.4 }, { 2.5, 3.4 }, { 0.0, -1.0 } };
    private static readonly double[,] Targets = { { 1.0, -3.0 }, { 0.3, 0.0 }, { 3.2, 2.6 }, { -1.0, -1.5 } };

    private static EvaluationResult Evaluate(ScoreRange? range)
    {
        var scores = new Evaluator.Scores(Predictions, new[] { new double[4, 2] }, new int[4], new[] { 1.0 }) { LabelValues = Targets };
        return TaskEvaluation.FromScores(scores, new[] { "audio" }, new RegressionTask(new[] { "valence", "arousal" }, scoreRange: range));
    }

    [Fact]
    public void A_score_range_adds_the_binary_and_class_accuracies_averaged_over_targets()
    {
        EvaluationResult result = Evaluate(new ScoreRange(-3, 3));
        // valence: binary (< 0 vs >= 0) 1.4/1, -0.2/0.3 no, 2.5/3.2, 0/-1 no -> 2/4; non-zero (> 0 vs not), no zero target:
        // -0.2/0.3 no, 0/-1 yes (neither positive) -> 3/4; clipped and rounded: 1/1, 0/0, 2/3 (2.5 to even), 0/-1 -> 2/4.
        // arousal: binary -2.6/-3, 0.4/0, 3.4/2.6, -1/-1.5 -> 4/4; non-zero leaves out 0.4/0 -> 3/3;
        // clipped and rounded: -3/-3, 0/0, 3/3, -1/-2 (-1.5 to even) -> 3/4.
        Assert.Equal((0.5 + 1.0) / 2, result.TaskMetrics["acc-2"], 12);
        Assert.Equal((0.75 + 1.0) / 2, result.TaskMetrics["acc-2-nonzero"], 12);
        Assert.Equal((0.5 + 0.75) / 2, result.TaskMetrics["acc-7"], 12);
        Assert.Equal(new[] { "CCC", "MAE", "RMSE", "Pearson", "R2", "acc-2", "acc-2-nonzero", "acc-7" }, result.TaskMetrics.Keys);
        // The audio head predicts 0, which is non-negative and not positive: binary valence 3/4 (all but -1), arousal 2/4
        // (0 and 2.6); non-zero valence 1/4 (only -1), arousal 2/3 (-3 and -1.5).
        IReadOnlyDictionary<string, double> audio = result.ModalityTaskMetrics["audio"];
        Assert.Equal((3.0 / 4 + 2.0 / 4) / 2, audio["acc-2"], 12);
        Assert.Equal((1.0 / 4 + 2.0 / 3) / 2, audio["acc-2-nonzero"], 12);
        Assert.Equal("CCC", result.MainMetric);
    }

    [Fact]
    public void Without_a_score_range_the_metrics_are_the_regression_ones_only()
    {
        Assert.Equal(TaskEvaluation.RegressionNames, Evaluate(null).TaskMetrics.Keys);
        Assert.Equal("acc-5", new ScoreRange(-2, 2).ClassAccuracyName);
    }

    [Theory]
    [InlineData("-3,3", -3, 3)]
    [InlineData(" -2 , 2 ", -2, 2)]
    public void Score_ranges_parse_from_low_comma_high(string text, int low, int high) => Assert.Equal(new ScoreRange(low, high), ScoreRange.Parse(text));

    [Theory]
    [InlineData("3", "two integers LOW,HIGH such as -3,3, got '3'")]
    [InlineData("-3.5,3", "two integers LOW,HIGH")]
    [InlineData("0,6", "must hold 0 strictly inside (LOW < 0 < HIGH, e.g. -3,3), got 0,6")]
    [InlineData("3,-3", "must hold 0 strictly inside")]
    public void A_score_range_that_is_not_two_integers_around_zero_is_refused(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => ScoreRange.Parse(text)).Message);
}
