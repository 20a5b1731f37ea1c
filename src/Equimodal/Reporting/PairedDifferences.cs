using System.Globalization;

namespace Equimodal.Reporting;

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
