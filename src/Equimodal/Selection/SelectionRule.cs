using System.Globalization;

namespace Equimodal.Selection;

/// <summary>
/// The decision rule: candidates whose validation failure gap is at most <see cref="MaxFailureGap"/> come first, by
/// validation accuracy; the others follow, by validation accuracy. So the winner is the most accurate candidate that
/// uses every modality about as well as training it alone would, and the most accurate one when none does. Ties go to the
/// smaller gap, then to the earlier candidate. A candidate without a gap (no references) counts as within the bound.
/// For a multi-label or regression task "accuracy" is the task's main metric, named by <see cref="Metric"/>.
/// </summary>
/// <param name="MaxFailureGap">Largest failure gap (fraction, or the main metric's units) of a candidate ranked first.</param>
/// <param name="Metric">The name of the metric candidates are ranked by: "accuracy", "mAP" or "CCC".</param>
public sealed record SelectionRule(double MaxFailureGap, string Metric = "accuracy")
{
    /// <summary>The default bound: 2 points.</summary>
    public const double DefaultMaxFailureGap = 0.02;

    /// <summary>Whether <paramref name="score"/>'s gap is within the bound.</summary>
    public bool WithinGap(CandidateScore score) => score.FailureGap is not { } gap || gap <= MaxFailureGap + 1e-12;

    /// <summary><paramref name="scores"/> best first (given in candidate order, which breaks the last ties).</summary>
    public IReadOnlyList<CandidateScore> Rank(IReadOnlyList<CandidateScore> scores) => scores
        .Select((score, order) => (score, order))
        .OrderByDescending(x => WithinGap(x.score))
        .ThenByDescending(x => x.score.Accuracy)
        .ThenBy(x => x.score.FailureGap ?? 0)
        .ThenBy(x => x.order)
        .Select(x => x.score)
        .ToArray();

    /// <summary>
    /// Why the first of <paramref name="ranked"/> won, in plain words. With the validation split's size, a classification
    /// reason also says by how many validation samples the winner led the next candidate: a lead of a few samples is
    /// within the noise of one validation split.
    /// </summary>
    public string Explain(IReadOnlyList<CandidateScore> ranked, int epochs, int? validationSamples = null)
    {
        CandidateScore winner = ranked[0];
        string bound = Points(MaxFailureGap);
        string first = $"{winner.Name} has the best validation {Metric} after {epochs} epoch(s), {Value(winner.Accuracy)}";
        string lead = Lead(ranked, validationSamples);
        if (ranked.All(s => s.FailureGap is null)) return $"{first}; no failure gap was measured (no unimodal reference rows), so {Metric} alone decided.{lead}";
        if (!WithinGap(winner))
            return $"{first}, among all {ranked.Count} finalists: none had a validation failure gap of at most {bound} points, so {Metric} alone decided (its gap: {Points(winner.FailureGap!.Value)} points).{lead}";
        int within = ranked.Count(WithinGap);
        string text = $"{first}, among the {within} of {ranked.Count} finalists whose validation failure gap is at most {bound} points (its gap: {Points(winner.FailureGap ?? 0)} points)";
        CandidateScore? excluded = ranked.Where(s => !WithinGap(s) && s.Accuracy > winner.Accuracy).OrderByDescending(s => s.Accuracy).FirstOrDefault();
        return (excluded is null ? text + "."
            : $"{text}; {excluded.Name} {(Metric == "accuracy" ? "was more accurate" : $"had a higher {Metric}")} ({Value(excluded.Accuracy)}) but its gap of {Points(excluded.FailureGap!.Value)} points shows a modality it left undertrained.") + lead;
    }

    // The winner's lead over the next candidate in validation samples, when it leads it on accuracy at all.
    private string Lead(IReadOnlyList<CandidateScore> ranked, int? validationSamples)
    {
        if (Metric != "accuracy" || validationSamples is not (> 0 and var n) || ranked.Count < 2 || ranked[1].Accuracy >= ranked[0].Accuracy) return "";
        double difference = ranked[0].Accuracy - ranked[1].Accuracy;
        long samples = (long)Math.Round(difference * n);
        return string.Create(CultureInfo.InvariantCulture,
            $" It led the next candidate, {ranked[1].Name}, by {100 * difference:0.0} points: {samples} of {n} validation samples.");
    }

    // Accuracy in percent; another task's main metric (CCC, mAP) as a plain number.
    private string Value(double score) => Metric == "accuracy"
        ? (100 * score).ToString("0.0", CultureInfo.InvariantCulture) + " %"
        : score.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Points(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture);
}
