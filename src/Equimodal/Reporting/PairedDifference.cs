
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
