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
}
