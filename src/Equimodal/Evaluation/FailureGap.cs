namespace Equimodal.Evaluation;

/// <summary>
/// Modality failure measured against unimodal references: for each modality, the accuracy of a model trained on that
/// modality alone (same data, same seed) minus the accuracy of that modality's own logits inside the multimodal model.
/// A positive gap means the joint training left the modality's encoder worse than training it alone would have; the
/// gap of a run is its largest value over modalities. Accuracies are fractions, so a gap of 0.02 is 2 points.
/// </summary>
public static class FailureGap
{
    /// <summary>
    /// Reference accuracy minus own-logit accuracy for each modality that has both; modalities without a reference
    /// are left out (a comparison without that modality's `NAME-only` row says nothing about its failure).
    /// </summary>
    /// <param name="ownAccuracy">Accuracy of each modality's own logits inside the multimodal model.</param>
    /// <param name="unimodalAccuracy">Accuracy of each modality's unimodal model.</param>
    public static IReadOnlyDictionary<string, double> PerModality(IReadOnlyDictionary<string, double> ownAccuracy, IReadOnlyDictionary<string, double> unimodalAccuracy)
    {
        var gaps = new Dictionary<string, double>();
        foreach (var (modality, own) in ownAccuracy)
        {
            if (unimodalAccuracy.TryGetValue(modality, out double reference)) gaps[modality] = reference - own;
        }
        return gaps;
    }

    /// <summary>The run's failure gap: the largest per-modality gap, or null when no modality has a reference.</summary>
    public static double? Of(IReadOnlyDictionary<string, double> perModality) =>
        perModality.Count == 0 ? null : perModality.Values.Max();

    /// <summary>
    /// The failure gap seed noise alone gives: the mean run gap of a model whose own logits train every modality exactly
    /// as well as its unimodal model, but with noise of their own. Estimated from the unimodal models themselves: over
    /// every ordered pair of distinct seeds (s, t), the largest over modalities of reference(s) minus reference(t), averaged.
    /// Each modality's difference averages zero; the largest of several noisy differences does not, so a mean failure gap
    /// near this floor is no evidence of modality failure, while each modality's own gap can be tested against zero.
    /// Pairs without a modality in common are skipped; null when no pair has one (fewer than two seeds).
    /// </summary>
    /// <param name="referencesPerSeed">Per seed, each modality's unimodal accuracy.</param>
    public static double? SeedNoiseFloor(IReadOnlyList<IReadOnlyDictionary<string, double>> referencesPerSeed)
    {
        double sum = 0;
        int pairs = 0;
        for (int s = 0; s < referencesPerSeed.Count; s++)
        {
            for (int t = 0; t < referencesPerSeed.Count; t++)
            {
                if (s == t) continue;
                IReadOnlyDictionary<string, double> other = referencesPerSeed[t];
                double[] differences = referencesPerSeed[s].Where(r => other.ContainsKey(r.Key)).Select(r => r.Value - other[r.Key]).ToArray();
                if (differences.Length == 0) continue;
                sum += differences.Max();
                pairs++;
            }
        }
        return pairs == 0 ? null : sum / pairs;
    }
}
