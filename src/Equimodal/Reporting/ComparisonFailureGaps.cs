using Equimodal.Evaluation;
using Equimodal.Methods;

namespace Equimodal.Reporting;

/// <summary>
/// The failure gaps of a comparison's runs (<see cref="FailureGap"/>): a multimodal run's modality m is measured against
/// the comparison's own `m-only` row trained with the same seed, so the reference saw the same data order and initial
/// encoder weights.
/// </summary>
public static class ComparisonFailureGaps
{
    /// <summary>
    /// <paramref name="runs"/> with <see cref="ComparisonRecord.FailureGaps"/> filled in for every multimodal run (own logits
    /// of two or more modalities) that has a reference for at least one modality; other runs get null. A seed with two
    /// runs of the same `m-only` row has no reference (which of them would be ambiguous).
    /// </summary>
    public static IReadOnlyList<ComparisonRecord> Attach(IReadOnlyList<ComparisonRecord> runs, IReadOnlyList<string> modalities)
    {
        Dictionary<int, Dictionary<string, double>> references = ReferencesBySeed(runs, modalities);
        return runs.Select(run =>
        {
            if (run.Diagnostics.ModalityAccuracy.Count < 2 || !references.TryGetValue(run.Seed, out Dictionary<string, double>? reference)) return run with { FailureGaps = null };
            IReadOnlyDictionary<string, double> gaps = FailureGap.PerModality(run.Diagnostics.ModalityAccuracy, reference);
            return run with { FailureGaps = gaps.Count == 0 ? null : gaps };
        }).ToArray();
    }

    /// <summary>
    /// <see cref="FailureGap.SeedNoiseFloor"/> of the comparison's `m-only` rows: the mean failure gap seed noise alone would
    /// give its multimodal runs; null without unimodal rows of two or more seeds.
    /// </summary>
    public static double? SeedNoiseFloor(IReadOnlyList<ComparisonRecord> runs, IReadOnlyList<string> modalities) =>
        FailureGap.SeedNoiseFloor(ReferencesBySeed(runs, modalities).OrderBy(r => r.Key).Select(r => (IReadOnlyDictionary<string, double>)r.Value).ToArray());

    private static Dictionary<int, Dictionary<string, double>> ReferencesBySeed(IReadOnlyList<ComparisonRecord> runs, IReadOnlyList<string> modalities)
    {
        var references = new Dictionary<int, Dictionary<string, double>>();
        foreach (string modality in modalities)
        {
            foreach (var seed in runs.Where(r => r.Method == modality + UnimodalMethod.Suffix).GroupBy(r => r.Seed).Where(g => g.Count() == 1))
            {
                if (!references.TryGetValue(seed.Key, out Dictionary<string, double>? ofSeed)) references[seed.Key] = ofSeed = new Dictionary<string, double>();
                ofSeed[modality] = seed.Single().Accuracy;
            }
        }
        return references;
    }
}
