using Equimodal.Evaluation.TaskMetrics;

namespace Equimodal.Tests.Evaluation.TaskMetrics;

public class MultiLabelMetricsTests
{
    private static double[,] Scores(params double[][] rows) => Matrix(rows);

    private static bool[,] Labels(params int[][] rows) => Matrix(rows.Select(r => r.Select(v => v == 1).ToArray()).ToArray());

    private static T[,] Matrix<T>(T[][] rows)
    {
        var m = new T[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    private static readonly double[,] HandScores = Scores(
        new[] { 0.9, 0.2, 0.6 },
        new[] { 0.8, 0.7, 0.1 },
        new[] { 0.3, 0.4, 0.6 },
        new[] { 0.1, 0.9, 0.3 });

    private static readonly bool[,] HandLabels = Labels(
        new[] { 1, 0, 1 },
        new[] { 0, 1, 0 },
        new[] { 1, 0, 0 },
        new[] { 0, 0, 0 });

    [Fact]
    public void Every_score_matches_hand_computation_with_tied_scores()
    {
        MultiLabelScores scores = MultiLabelMetrics.Compute(HandScores, HandLabels, 0.5);
        // AP label 0: ranks +,-,+,- -> 1/2 * 1 + 1/2 * 2/3 = 5/6. Label 1: -,+ -> 1 * 1/2. Label 2: the tie at 0.6 holds
        // the positive and a negative, entering together -> 1 * 1/2.
        Assert.Equal((5.0 / 6 + 0.5 + 0.5) / 3, scores.MapMacro, 12);
        // Micro: 4 positives in 12 pairs. Groups 0.9 {+,-}: 1/4 * 1/2; 0.8 {-}; 0.7 {+}: 1/4 * 2/4; 0.6 {+,-}: 1/4 * 3/6;
        // 0.4 {-}; 0.3 {+,-}: 1/4 * 4/9 -> 3/8 + 1/9.
        Assert.Equal(3.0 / 8 + 1.0 / 9, scores.MapMicro, 12);
        // At 0.5: label 0 TP 1 FP 1 FN 1 -> 1/2; label 1 TP 1 FP 1 -> 2/3; label 2 TP 1 FP 1 -> 2/3.
        Assert.Equal((0.5 + 2.0 / 3 + 2.0 / 3) / 3, scores.F1Macro, 12);
        // Micro: TP 3, FP 3, FN 1 -> 6 / 10.
        Assert.Equal(0.6, scores.F1Micro, 12);
        Assert.Equal(0.25, scores.SubsetAccuracy, 12);
        Assert.Equal(4.0 / 12, scores.HammingLoss, 12);
    }

    [Fact]
    public void A_score_equal_to_the_threshold_is_predicted_positive()
    {
        // Predicted at 0.6: (0,0) (1,0) (1,1) (3,1) (0,2) (2,2). TP (0,0) (1,1) (0,2); FP (1,0) (3,1) (2,2); FN (2,0)
        // -> 6 / 10. With a strict comparison the two pairs scored 0.6 would drop out: TP 2, FP 2, FN 2 -> 4 / 8.
        MultiLabelScores scores = MultiLabelMetrics.Compute(HandScores, HandLabels, 0.6);
        Assert.Equal(0.6, scores.F1Micro, 12);
        Assert.Equal(4.0 / 12, scores.HammingLoss, 12);
        Assert.Equal(0.25, scores.SubsetAccuracy, 12);
    }

    [Fact]
    public void Matches_scikit_learn_on_a_fixed_case()
    {
        // scikit-learn 1.2.1 with Z = (S >= 0.5): average_precision_score(Y, S, average="macro" | "micro"),
        // f1_score(Y, Z, average="macro" | "micro"), accuracy_score(Y, Z), hamming_loss(Y, Z).
        double[,] s = Scores(
            new[] { 0.12, 0.85, 0.40, 0.40 },
            new[] { 0.66, 0.31, 0.05, 0.90 },
            new[] { 0.50, 0.50, 0.72, 0.18 },
            new[] { 0.93, 0.07, 0.40, 0.61 },
            new[] { 0.24, 0.58, 0.81, 0.33 });
        bool[,] y = Labels(
            new[] { 0, 1, 1, 0 },
            new[] { 1, 0, 0, 1 },
            new[] { 1, 0, 1, 0 },
            new[] { 1, 0, 0, 0 },
            new[] { 0, 1, 0, 0 });
        MultiLabelScores scores = MultiLabelMetrics.Compute(s, y, 0.5);
        Assert.Equal(0.875, scores.MapMacro, 12);
        Assert.Equal(0.8373397435897436, scores.MapMicro, 12);
        Assert.Equal(0.7416666666666666, scores.F1Macro, 12);
        Assert.Equal(0.7777777777777777, scores.F1Micro, 12);
        Assert.Equal(0.2, scores.SubsetAccuracy, 12);
        Assert.Equal(0.2, scores.HammingLoss, 12);

        // Label 3 without positives, scored 0.1 everywhere: F1 0 in the macro mean (zero_division=0):
        // f1_score(Y2, Z2, average="macro") = 0.575, average="micro" = 0.8. It is left out of the macro mAP, so that is
        // average_precision_score(Y[:, :3], S[:, :3], average="macro") = 0.8333 (scikit-learn itself would count an AP
        // of 0 for it and give 0.625).
        for (int i = 0; i < 5; i++) { y[i, 3] = false; s[i, 3] = 0.1; }
        MultiLabelScores withEmptyLabel = MultiLabelMetrics.Compute(s, y, 0.5);
        Assert.Equal(0.575, withEmptyLabel.F1Macro, 12);
        Assert.Equal(0.8, withEmptyLabel.F1Micro, 12);
        Assert.Equal(0.8333333333333334, withEmptyLabel.MapMacro, 12);
    }

    [Fact]
    public void Without_positive_labels_the_average_precisions_are_undefined()
    {
        MultiLabelScores scores = MultiLabelMetrics.Compute(Scores(new[] { 0.7, 0.2 }, new[] { 0.1, 0.4 }), Labels(new[] { 0, 0 }, new[] { 0, 0 }), 0.5);
        Assert.True(double.IsNaN(scores.MapMacro));
        Assert.True(double.IsNaN(scores.MapMicro));
        Assert.Equal(0, scores.F1Micro);
        Assert.Equal(0, scores.F1Macro);
        Assert.Equal(0.5, scores.SubsetAccuracy, 12);
        Assert.Equal(0.25, scores.HammingLoss, 12);
    }

    [Fact]
    public void Shapes_and_nan_are_checked()
    {
        Assert.Contains("[1, 2]", Assert.Throws<ArgumentException>(() => MultiLabelMetrics.Compute(new double[1, 2], new bool[1, 3], 0.5)).Message);
        Assert.Throws<ArgumentException>(() => MultiLabelMetrics.Compute(Scores(new[] { double.NaN }), Labels(new[] { 1 }), 0.5));
        Assert.Throws<ArgumentException>(() => MultiLabelMetrics.Compute(Scores(new[] { 0.3 }), Labels(new[] { 1 }), double.NaN));
        Assert.Throws<ArgumentException>(() => MultiLabelMetrics.BestThreshold(new double[0, 3], new bool[0, 3]));
    }

    [Fact]
    public void Best_threshold_maximises_micro_f1()
    {
        // Candidates (distinct scores) and micro F1 = 2 TP / (4 + predicted): 0.9 -> 2/6, 0.8 -> 2/7, 0.7 -> 4/8,
        // 0.6 -> 6/10, 0.4 -> 6/11, 0.3 -> 8/13, 0.2 -> 8/14, 0.1 -> 8/16.
        double threshold = MultiLabelMetrics.BestThreshold(HandScores, HandLabels);
        Assert.Equal(0.3, threshold);
        Assert.Equal(8.0 / 13, MultiLabelMetrics.Compute(HandScores, HandLabels, threshold).F1Micro, 12);
    }

    [Fact]
    public void Best_threshold_ties_go_to_the_highest_candidate()
    {
        // Labels +, -, -, +: F1 at 0.9 = 2/3, at 0.8 = 2/4, at 0.7 = 2/5, at 0.6 = 4/6 = 2/3 (a tie with 0.9).
        Assert.Equal(0.9, MultiLabelMetrics.BestThreshold(Scores(new[] { 0.9, 0.8, 0.7, 0.6 }), Labels(new[] { 1, 0, 0, 1 })));
        // No positives: every candidate scores 0, the highest score wins.
        Assert.Equal(0.8, MultiLabelMetrics.BestThreshold(Scores(new[] { 0.3, 0.8 }, new[] { 0.5, 0.1 }), Labels(new[] { 0, 0 }, new[] { 0, 0 })));
    }
}
