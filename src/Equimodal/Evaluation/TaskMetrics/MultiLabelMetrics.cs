namespace Equimodal.Evaluation.TaskMetrics;

/// <summary>
/// Multi-label metrics over a score matrix [samples, labels] (logits or probabilities: any score that ranks) and
/// multi-hot labels, with scikit-learn's definitions. A pair is predicted positive when its score is at or above the
/// threshold. Average precision is <c>average_precision_score</c>: the sum over distinct score thresholds of
/// (R_n - R_{n-1}) P_n, tied scores entering together; the macro mAP averages it over the labels with at least one
/// positive (NaN when none has one) and the micro AP ranks all pairs as one list. F1 is <c>f1_score</c> with its
/// zero-division value 0: micro over all pairs, macro as the plain mean over every label. Subset accuracy is
/// <c>accuracy_score</c> on label sets, Hamming loss <c>hamming_loss</c>.
/// </summary>
public static class MultiLabelMetrics
{
    /// <summary>mAP (macro and micro), F1 (macro and micro) at the threshold, subset accuracy and Hamming loss; NaN without samples.</summary>
    /// <exception cref="ArgumentException">The shapes differ, a score is NaN, or the threshold is NaN.</exception>
    public static MultiLabelScores Compute(double[,] scores, bool[,] labels, double threshold)
    {
        Check(scores, labels);
        if (double.IsNaN(threshold)) throw new ArgumentException("The multi-label threshold is NaN.");
        int n = scores.GetLength(0), labelCount = scores.GetLength(1);
        if (n == 0 || labelCount == 0) return new MultiLabelScores(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

        var averagePrecisions = new List<double>();
        double f1Sum = 0;
        long truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (int label = 0; label < labelCount; label++)
        {
            var column = new double[n];
            var positive = new bool[n];
            long labelTruePositives = 0, labelErrors = 0;
            for (int i = 0; i < n; i++)
            {
                column[i] = scores[i, label];
                positive[i] = labels[i, label];
                bool predicted = column[i] >= threshold;
                if (predicted && positive[i]) labelTruePositives++;
                else if (predicted) falsePositives++;
                else if (positive[i]) falseNegatives++;
                if (predicted != positive[i]) labelErrors++;
            }
            truePositives += labelTruePositives;
            f1Sum += F1(labelTruePositives, labelErrors);
            double ap = Metrics.AveragePrecision(column, positive);
            if (!double.IsNaN(ap)) averagePrecisions.Add(ap);
        }

        int exactSamples = 0;
        for (int i = 0; i < n; i++)
        {
            bool exact = true;
            for (int label = 0; label < labelCount && exact; label++) exact = scores[i, label] >= threshold == labels[i, label];
            if (exact) exactSamples++;
        }

        return new MultiLabelScores(
            MapMacro: averagePrecisions.Count == 0 ? double.NaN : averagePrecisions.Average(),
            MapMicro: Metrics.AveragePrecision(Flatten(scores), Flatten(labels)),
            F1Macro: f1Sum / labelCount,
            F1Micro: F1(truePositives, falsePositives + falseNegatives),
            SubsetAccuracy: (double)exactSamples / n,
            HammingLoss: (double)(falsePositives + falseNegatives) / ((long)n * labelCount));
    }

    /// <summary>
    /// The global threshold that maximises micro F1 on the given (validation) split. The candidates are the distinct
    /// scores (a candidate predicts the pairs scored at or above it), so the result is one of the scores; among
    /// candidates with equal micro F1 (compared as exact fractions) the highest wins, which predicts the fewest
    /// positives. Without any positive label every candidate scores 0 and the highest score is returned.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, a score is NaN, or there are no scores.</exception>
    public static double BestThreshold(double[,] scores, bool[,] labels)
    {
        Check(scores, labels);
        double[] flatScores = Flatten(scores);
        bool[] flatLabels = Flatten(labels);
        if (flatScores.Length == 0) throw new ArgumentException("A threshold cannot be chosen without any score.");
        long positives = flatLabels.LongCount(p => p);
        int[] order = Enumerable.Range(0, flatScores.Length).OrderByDescending(i => flatScores[i]).ToArray();
        double best = flatScores[order[0]];
        long bestNumerator = -1, bestDenominator = 1, truePositives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end < order.Length && flatScores[order[end]] == flatScores[order[start]]) end++;
            for (int i = start; i < end; i++) if (flatLabels[order[i]]) truePositives++;
            // Micro F1 = 2 TP / (positives + predicted); the denominator is at least 1 here.
            long numerator = 2 * truePositives, denominator = positives + end;
            if (numerator * bestDenominator > bestNumerator * denominator)
            {
                (bestNumerator, bestDenominator) = (numerator, denominator);
                best = flatScores[order[start]];
            }
            start = end;
        }
        return best;
    }

    private static double F1(long truePositives, long errors) =>
        truePositives == 0 ? 0 : 2.0 * truePositives / (2.0 * truePositives + errors);

    private static T[] Flatten<T>(T[,] matrix) => matrix.Cast<T>().ToArray();

    private static void Check(double[,] scores, bool[,] labels)
    {
        if (scores.GetLength(0) != labels.GetLength(0) || scores.GetLength(1) != labels.GetLength(1))
            throw new ArgumentException($"The scores are [{scores.GetLength(0)}, {scores.GetLength(1)}] but the labels are [{labels.GetLength(0)}, {labels.GetLength(1)}].");
        foreach (double score in scores) if (double.IsNaN(score)) throw new ArgumentException("The multi-label scores hold a NaN.");
    }
}
