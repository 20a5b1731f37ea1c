using Equimodal.Evaluation;

namespace Equimodal.Tests.Evaluation;

public class MetricsTests
{
    private static double[,] Matrix(double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    [Fact]
    public void Argmax_ties_go_to_the_lowest_class_and_accuracy_counts_matches()
    {
        int[] predictions = Metrics.Predictions(Matrix(new[] { new[] { 0.2, 0.2, 0.1 }, new[] { 0.0, 0.1, 0.9 }, new[] { 0.5, 0.1, 0.4 } }));
        Assert.Equal(new[] { 0, 2, 0 }, predictions);
        Assert.Equal(2.0 / 3, Metrics.Accuracy(predictions, new[] { 0, 2, 1 }), 12);
    }

    [Fact]
    public void Confusion_matrix_rows_are_true_classes()
    {
        int[,] m = Metrics.ConfusionMatrix(new[] { 0, 1, 1, 2 }, new[] { 0, 0, 1, 2 }, 3);
        Assert.Equal(1, m[0, 0]);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[2, 2]);
        Assert.Equal(0, m[1, 0]);
    }

    [Fact]
    public void Macro_f1_matches_hand_computation_with_absent_and_never_predicted_classes()
    {
        // labels 0,0,1,1,2 ; predictions 0,1,1,1,3. Class 3 never occurs but is predicted (F1 0); class 4 is absent everywhere.
        // F1(0) = 2*1/(2+1) = 2/3; F1(1) = 2*2/(2+3) = 0.8; F1(2) = 0 (missed); F1(3) = 0. Mean over 4 classes.
        double f1 = Metrics.MacroF1(new[] { 0, 1, 1, 1, 3 }, new[] { 0, 0, 1, 1, 2 }, 5);
        Assert.Equal((2.0 / 3 + 0.8 + 0 + 0) / 4, f1, 12);
    }

    [Fact]
    public void Average_precision_matches_scikit_learn_including_ties()
    {
        // sklearn.metrics.average_precision_score([1,0,1,1,0], [0.9,0.8,0.7,0.7,0.1]) = 1/3*1 + 2/3*3/4 = 0.8333...
        Assert.Equal(1.0 / 3 + 2.0 / 3 * 0.75, Metrics.AveragePrecision(new[] { 0.9, 0.8, 0.7, 0.7, 0.1 }, new[] { true, false, true, true, false }), 12);
        // Perfect ranking gives 1; no positives is undefined.
        Assert.Equal(1.0, Metrics.AveragePrecision(new[] { 0.9, 0.1 }, new[] { true, false }), 12);
        Assert.True(double.IsNaN(Metrics.AveragePrecision(new[] { 0.9, 0.1 }, new[] { false, false })));
    }

    [Fact]
    public void Roc_auc_counts_ties_as_one_half()
    {
        // positives {0.8, 0.4}, negatives {0.4, 0.1}: pairs (0.8>0.4)=1, (0.8>0.1)=1, (0.4=0.4)=0.5, (0.4>0.1)=1 -> 3.5/4.
        Assert.Equal(0.875, Metrics.RocAuc(new[] { 0.8, 0.4, 0.4, 0.1 }, new[] { true, true, false, false }), 12);
        Assert.True(double.IsNaN(Metrics.RocAuc(new[] { 0.8 }, new[] { true })));
    }

    [Fact]
    public void Map_and_auc_skip_classes_without_positives()
    {
        double[,] scores = Matrix(new[] { new[] { 0.9, 0.1, 0.0 }, new[] { 0.2, 0.8, 0.0 }, new[] { 0.6, 0.4, 0.0 } });
        int[] labels = { 0, 1, 1 };
        // class 0: ranking 0.9(+),0.6(-),0.2(-) -> AP 1; class 1: 0.8(+),0.4(+),0.1(-) -> AP 1; class 2 absent.
        Assert.Equal(1.0, Metrics.MeanAveragePrecision(scores, labels), 12);
        // AUC class 0: positive 0.9 vs negatives 0.2, 0.6 -> 1; class 1: positives 0.8, 0.4 vs negative 0.1 -> 1.
        Assert.Equal(1.0, Metrics.MacroRocAuc(scores, labels), 12);
        int[] flipped = { 1, 0, 0 };
        // class 0 positives 0.2,0.6 vs negative 0.9 -> 0; AP(class0): 0.9(-),0.6(+),0.2(+) -> 1/2*1/2 + 1/2*2/3 = 7/12.
        Assert.Equal(7.0 / 12, Metrics.AveragePrecision(new[] { 0.9, 0.2, 0.6 }, flipped.Select(l => l == 0).ToArray()), 12);
        Assert.Equal(0.0, Metrics.RocAuc(new[] { 0.9, 0.2, 0.6 }, flipped.Select(l => l == 0).ToArray()), 12);
    }
}
