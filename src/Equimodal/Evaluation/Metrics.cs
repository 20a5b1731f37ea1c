namespace Equimodal.Evaluation;

/// <summary>
/// Classification metrics over a score matrix [samples, classes] and integer labels, following scikit-learn's
/// definitions. A class with no positive (or no negative) sample has no defined AP or AUC and is left out of
/// those means; macro-F1 averages over the classes present in the labels or the predictions.
/// </summary>
public static class Metrics
{
    /// <summary>Index of the largest score per row; ties go to the lowest class index (as torch.argmax).</summary>
    public static int[] Predictions(double[,] scores)
    {
        int n = scores.GetLength(0), k = scores.GetLength(1);
        var predictions = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (scores[i, c] > scores[i, best]) best = c;
            predictions[i] = best;
        }
        return predictions;
    }

    /// <summary>Fraction of predictions equal to the labels.</summary>
    public static double Accuracy(IReadOnlyList<int> predictions, IReadOnlyList<int> labels)
    {
        CheckLengths(predictions.Count, labels.Count);
        if (labels.Count == 0) return double.NaN;
        return (double)labels.Where((label, i) => predictions[i] == label).Count() / labels.Count;
    }

    /// <summary>Confusion matrix [true class, predicted class].</summary>
    public static int[,] ConfusionMatrix(IReadOnlyList<int> predictions, IReadOnlyList<int> labels, int classes)
    {
        CheckLengths(predictions.Count, labels.Count);
        var matrix = new int[classes, classes];
        for (int i = 0; i < labels.Count; i++) matrix[labels[i], predictions[i]]++;
        return matrix;
    }

    /// <summary>Macro-averaged F1 over the classes that occur in the labels or the predictions.</summary>
    public static double MacroF1(IReadOnlyList<int> predictions, IReadOnlyList<int> labels, int classes)
    {
        int[,] confusion = ConfusionMatrix(predictions, labels, classes);
        var scores = new List<double>();
        for (int c = 0; c < classes; c++)
        {
            int truePositive = confusion[c, c];
            int actual = 0, predicted = 0;
            for (int j = 0; j < classes; j++) { actual += confusion[c, j]; predicted += confusion[j, c]; }
            if (actual == 0 && predicted == 0) continue;
            scores.Add(actual + predicted == 0 ? 0 : 2.0 * truePositive / (actual + predicted));
        }
        return scores.Count == 0 ? double.NaN : scores.Average();
    }

    /// <summary>One-vs-rest average precision of one class (step-wise, as scikit-learn's average_precision_score); NaN without positives.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        CheckLengths(scores.Count, positive.Count);
        int positives = positive.Count(p => p);
        if (positives == 0) return double.NaN;
        int[] order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double ap = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        for (int start = 0; start < order.Length;)
        {
            // Tied scores form one threshold: all of them enter together.
            int end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]]) end++;
            for (int i = start; i < end; i++) if (positive[order[i]]) truePositives++;
            seen = end;
            double recall = (double)truePositives / positives;
            double precision = (double)truePositives / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            start = end;
        }
        return ap;
    }

    /// <summary>One-vs-rest ROC-AUC of one class (ties count one half); NaN when a side is empty.</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        CheckLengths(scores.Count, positive.Count);
        double[] pos = scores.Where((_, i) => positive[i]).ToArray();
        double[] neg = scores.Where((_, i) => !positive[i]).ToArray();
        if (pos.Length == 0 || neg.Length == 0) return double.NaN;
        // Mann-Whitney U via ranks with average ranks for ties: O(n log n).
        var all = pos.Select(s => (Score: s, Positive: true)).Concat(neg.Select(s => (Score: s, Positive: false))).OrderBy(x => x.Score).ToArray();
        double positiveRankSum = 0;
        for (int start = 0; start < all.Length;)
        {
            int end = start;
            while (end < all.Length && all[end].Score == all[start].Score) end++;
            double averageRank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++) if (all[i].Positive) positiveRankSum += averageRank;
            start = end;
        }
        double u = positiveRankSum - pos.Length * (pos.Length + 1) / 2.0;
        return u / ((double)pos.Length * neg.Length);
    }

    /// <summary>Mean over classes of one-vs-rest AP (the VGGSound mAP), skipping classes without positives.</summary>
    public static double MeanAveragePrecision(double[,] scores, IReadOnlyList<int> labels) =>
        MeanOverClasses(scores, labels, AveragePrecision);

    /// <summary>Macro one-vs-rest ROC-AUC, skipping classes without positives or negatives.</summary>
    public static double MacroRocAuc(double[,] scores, IReadOnlyList<int> labels) =>
        MeanOverClasses(scores, labels, RocAuc);

    private static double MeanOverClasses(double[,] scores, IReadOnlyList<int> labels, Func<IReadOnlyList<double>, IReadOnlyList<bool>, double> perClass)
    {
        int n = scores.GetLength(0), k = scores.GetLength(1);
        CheckLengths(n, labels.Count);
        var values = new List<double>();
        for (int c = 0; c < k; c++)
        {
            double[] column = new double[n];
            for (int i = 0; i < n; i++) column[i] = scores[i, c];
            double value = perClass(column, labels.Select(l => l == c).ToArray());
            if (!double.IsNaN(value)) values.Add(value);
        }
        return values.Count == 0 ? double.NaN : values.Average();
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b) throw new ArgumentException($"Predictions/scores cover {a} samples but there are {b} labels.");
    }
}
