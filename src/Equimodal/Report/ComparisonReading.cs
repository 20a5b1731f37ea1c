using Equimodal.Reporting;

namespace Equimodal.Report;

/// <summary>
/// A comparison in plain words, generated from its numbers: the highest mean, then each paired difference and each
/// failure gap with its interval. A difference is called a difference only when its 95 % interval excludes zero, and
/// one seed gives no interval, so no claim.
/// </summary>
public static class ComparisonReading
{
    /// <summary>The sentences for <paramref name="results"/>, in reading order.</summary>
    public static IReadOnlyList<string> Sentences(ComparisonResults results)
    {
        var sentences = new List<string>();
        MethodSummary[] ranked = results.Summary.Where(s => s.Metrics.ContainsKey("accuracy")).OrderByDescending(s => s.Metrics["accuracy"].Mean).ToArray();
        if (ranked.Length > 0)
        {
            MetricSummary top = ranked[0].Metrics["accuracy"];
            sentences.Add($"{ranked[0].Method} has the highest mean test accuracy, {Html.Number(100 * top.Mean)} % over {Seeds(top.Count)}" +
                (ranked.Length > 1 ? $" (next: {ranked[1].Method}, {Html.Number(100 * ranked[1].Metrics["accuracy"].Mean)} %); a higher mean alone is not a difference beyond seed noise." : "."));
        }
        foreach (PairedDifference d in results.PairedAccuracy) sentences.Add(Paired(d));
        int tested = results.PairedAccuracy.Count(d => d.Seeds.Count > 1);
        if (tested >= 3)
            sentences.Add($"These are {tested} separate 95 % intervals, not corrected for multiple comparisons: about one in twenty would exclude zero by chance alone.");
        if (results.PairedAccuracy.Count > 0 && results.PairedAccuracy.Max(d => d.Seeds.Count) is var seeds and > 1 and < 5)
            sentences.Add($"With {seeds} seeds the intervals are wide (Student's t = {Html.Number(PairedDifference.StudentT975(seeds - 1), 2)}); five or more seeds are needed to resolve differences of a point or two.");
        if (Charts.FailureGaps(results) is { } gaps)
        {
            foreach (IntervalRow row in gaps.Rows) sentences.Add(FailureGap(row, results));
        }
        return sentences;
    }

    private static string Paired(PairedDifference d)
    {
        int above = d.Differences.Count(v => v > 0), below = d.Differences.Count(v => v < 0), n = d.Seeds.Count;
        if (n < 2) return $"{d.Method} vs {d.Baseline}: {Html.Signed(d.Mean)} points on one seed; one seed gives no interval, so no claim either way.";
        string numbers = $"{Html.Signed(d.Mean)} points {Html.Interval(d.Low, d.High)}";
        if (d.BeyondSeedNoise)
            return d.Mean > 0
                ? $"{d.Method} is above {d.Baseline} on {above} of {n} seeds, {numbers}: beyond seed noise."
                : $"{d.Method} is below {d.Baseline} on {below} of {n} seeds, {numbers}: beyond seed noise.";
        return $"{d.Method} is not beyond seed noise against {d.Baseline}: {numbers}, above on {above} and below on {below} of {n} seeds.";
    }

    private static string FailureGap(IntervalRow row, ComparisonResults results)
    {
        ComparisonRecord[] runs = results.Runs.Where(r => r.Method == row.Label && r.FailureGaps is not null).ToArray();
        // Which modality holds the run's largest gap, seed by seed.
        var largest = runs.GroupBy(r => r.FailureGaps!.MaxBy(g => g.Value).Key).OrderByDescending(g => g.Count()).First();
        string where = $"largest on {largest.Key} in {largest.Count()} of {row.Points.Count} seeds";
        string numbers = $"{Html.Signed(row.Mean)} points {Html.Interval(row.Low, row.High)}";
        if (!row.HasInterval) return $"{row.Label}'s failure gap is {Html.Signed(row.Mean)} points on one seed ({where}); no interval, so no claim.";
        if (row.High < 0) return $"{row.Label}'s own-modality heads beat the unimodal models beyond seed noise: failure gap {numbers}, {where}.";
        // The run's gap is the largest of noisy per-modality gaps, so its mean is above zero even without failure:
        // failure is claimed per modality, where a gap averages zero when the modality trains as well as alone.
        PairedDifference[] perModality = results.Modalities
            .Select(m => (Modality: m, Runs: runs.Where(r => r.FailureGaps!.ContainsKey(m)).OrderBy(r => r.Seed).ToArray()))
            .Where(m => m.Runs.Length > 1)
            .Select(m => PairedDifference.Of(m.Modality, "unimodal", m.Runs.Select(r => r.Seed).ToArray(), m.Runs.Select(r => 100 * r.FailureGaps![m.Modality]).ToArray()))
            .ToArray();
        string Gap(PairedDifference d) => $"gap({d.Method}) {Html.Signed(d.Mean)} {Html.Interval(d.Low, d.High)}";
        PairedDifference[] behind = perModality.Where(d => d.Low > 0).ToArray();
        if (behind.Length > 0)
            return $"{row.Label} leaves {string.Join(" and ", behind.Select(d => d.Method))} behind {(behind.Length == 1 ? "its unimodal model" : "their unimodal models")} beyond seed noise: {string.Join(", ", behind.Select(Gap))} points; failure gap {numbers}.";
        string floor = results.FailureGapFloor is double f ? $"; seed noise alone gives a failure gap of about {Html.Number(100 * f)} points here" : "";
        return $"{row.Label}'s failure gap, {numbers} ({where}), shows no modality failure beyond seed noise: no modality's own gap excludes zero ({string.Join(", ", perModality.Select(Gap))}){floor}.";
    }

    private static string Seeds(int count) => count == 1 ? "one seed" : $"{count} seeds";
}
