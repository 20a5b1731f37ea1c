using System.Globalization;

namespace Equimodal.Reporting;

/// <summary>
/// One method's test accuracy minus a baseline's, seed by seed: runs with the same seed share the data order and the
/// initial weights, so the per-seed difference removes most of the seed-to-seed spread both methods have in common.
/// </summary>
/// <param name="Method">The method compared.</param>
/// <param name="Baseline">The method it is compared against.</param>
/// <param name="Seeds">Seeds both methods have a run for, ascending.</param>
/// <param name="Differences">Test accuracy of <paramref name="Method"/> minus that of <paramref name="Baseline"/> per seed, in percentage points.</param>
/// <param name="Mean">Mean of <paramref name="Differences"/>.</param>
/// <param name="Low">Lower end of the 95 % confidence interval of the mean difference (Student's t over seeds); NaN below two seeds.</param>
/// <param name="High">Upper end of that interval; NaN below two seeds.</param>
public sealed record PairedDifference(string Method, string Baseline, IReadOnlyList<int> Seeds, IReadOnlyList<double> Differences, double Mean, double Low, double High)
{
    /// <summary>Whether the 95 % interval excludes zero: the difference is larger than what the seeds' spread explains.</summary>
    public bool BeyondSeedNoise => !double.IsNaN(Low) && (Low > 0 || High < 0);

    /// <summary>The paired difference of <paramref name="differences"/> (points, one per seed in <paramref name="seeds"/>).</summary>
    public static PairedDifference Of(string method, string baseline, IReadOnlyList<int> seeds, IReadOnlyList<double> differences)
    {
        MetricSummary summary = MetricSummary.Of(differences);
        double halfWidth = differences.Count < 2 ? double.NaN : StudentT975(differences.Count - 1) * summary.Std / Math.Sqrt(differences.Count);
        return new PairedDifference(method, baseline, seeds, differences, summary.Mean, summary.Mean - halfWidth, summary.Mean + halfWidth);
    }

    // Two-sided 95 % quantiles of Student's t for 1-30 degrees of freedom; beyond, the Cornish-Fisher expansion (error < 1e-3).
    private static readonly double[] T975 =
    {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    };

    /// <summary>The 97.5 % quantile of Student's t with <paramref name="degreesOfFreedom"/> (the half-width factor of a two-sided 95 % interval).</summary>
    public static double StudentT975(int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Student's t needs at least one degree of freedom.");
        if (degreesOfFreedom <= T975.Length) return T975[degreesOfFreedom - 1];
        const double z = 1.959964;
        double n = degreesOfFreedom;
        return z + (Math.Pow(z, 3) + z) / (4 * n) + (5 * Math.Pow(z, 5) + 16 * Math.Pow(z, 3) + 3 * z) / (96 * n * n);
    }
}

/// <summary>Paired per-seed differences in test accuracy of every method of a comparison against one baseline.</summary>
public static class PairedDifferences
{
    /// <summary>The method compared against: joint training when the comparison has it, else the first method listed; null for a single method.</summary>
    public static string? BaselineOf(IReadOnlyList<string> methods) =>
        methods.Contains("joint") ? "joint" : methods.Count > 1 ? methods[0] : null;

    /// <summary>Each method other than <paramref name="baseline"/> against it, over the seeds both have once (methods sharing no seed are left out).</summary>
    public static IReadOnlyList<PairedDifference> Against(IReadOnlyList<string> methods, IReadOnlyList<ComparisonRecord> runs, string baseline)
    {
        Dictionary<int, double> reference = OnePerSeed(runs, baseline);
        var differences = new List<PairedDifference>();
        foreach (string method in methods.Where(m => m != baseline))
        {
            ComparisonRecord[] paired = OnePerSeed(runs, method).Keys.Where(reference.ContainsKey).Order()
                .Select(seed => runs.Single(r => r.Method == method && r.Seed == seed)).ToArray();
            if (paired.Length == 0) continue;
            differences.Add(PairedDifference.Of(method, baseline, paired.Select(r => r.Seed).ToArray(), paired.Select(r => 100 * (r.Accuracy - reference[r.Seed])).ToArray()));
        }
        return differences;
    }

    // A seed with two runs of the same method cannot be paired, so it is left out.
    private static Dictionary<int, double> OnePerSeed(IReadOnlyList<ComparisonRecord> runs, string method) =>
        runs.Where(r => r.Method == method).GroupBy(r => r.Seed).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Accuracy);

    /// <summary>The differences in <paramref name="metric"/> (the task's main metric) as a Markdown section for results.md; empty when there are none.</summary>
    public static string Markdown(IReadOnlyList<PairedDifference> differences, string metric = "accuracy")
    {
        if (differences.Count == 0) return "";
        var table = new ResultTable(new[] { "method", "seeds", "mean difference", "95 % interval", "beyond seed noise", "per seed", "above / equal / below" });
        foreach (PairedDifference d in differences)
        {
            table.Rows.Add(new List<string>
            {
                d.Method, d.Seeds.Count.ToString(CultureInfo.InvariantCulture), Signed(d.Mean),
                double.IsNaN(d.Low) ? "-" : $"[{Signed(d.Low)}, {Signed(d.High)}]",
                double.IsNaN(d.Low) ? "-" : d.BeyondSeedNoise ? "yes" : "no",
                string.Join(", ", d.Seeds.Zip(d.Differences, (seed, value) => $"{seed}: {Signed(value)}")),
                $"{d.Differences.Count(v => v > 0)} / {d.Differences.Count(v => v == 0)} / {d.Differences.Count(v => v < 0)}",
            });
        }
        string points = metric == "accuracy" ? "percentage points" : $"{metric} x100";
        return $"\nPaired differences in test {metric} against {differences[0].Baseline} ({points}, method minus {differences[0].Baseline} on the same seed; " +
               "95 % interval of the mean from Student's t over seeds):\n\n" + table.ToMarkdown();
    }

    private static string Signed(double points) => points.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
