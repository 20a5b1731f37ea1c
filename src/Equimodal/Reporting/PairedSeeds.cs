using System.Globalization;

namespace Equimodal.Reporting;

/// <summary>
/// One quantity of a method against a baseline, seed by seed. Runs of the same seed share initial weights and batch
/// order, so the per-seed differences say more than the two means.
/// </summary>
/// <param name="Quantity">What is compared, as printed (e.g. "accuracy").</param>
/// <param name="Method">The method's value on each seed.</param>
/// <param name="Baseline">The baseline's value on each seed, in the same seed order.</param>
/// <param name="HigherIsBetter">Whether a higher value is the better one (false for a gap or an imbalance).</param>
/// <param name="InPoints">Values are fractions printed as percentage points; otherwise they are printed as they are.</param>
public sealed record PairedSeeds(string Quantity, IReadOnlyList<double> Method, IReadOnlyList<double> Baseline, bool HigherIsBetter, bool InPoints)
{
    /// <summary>Method minus baseline, per seed.</summary>
    public IReadOnlyList<double> Differences => Method.Zip(Baseline, (m, b) => m - b).ToArray();

    /// <summary>Seeds on which the method is strictly better.</summary>
    public int Better => Differences.Count(d => HigherIsBetter ? d > 0 : d < 0);

    /// <summary>Seeds on which the method is strictly worse.</summary>
    public int Worse => Differences.Count(d => HigherIsBetter ? d < 0 : d > 0);

    /// <summary>True when the method is strictly better on every seed (and there is at least one).</summary>
    public bool HeldOnEverySeed => Method.Count > 0 && Better == Method.Count;

    /// <summary>True when the method is strictly worse on every seed (and there is at least one).</summary>
    public bool WorseOnEverySeed => Method.Count > 0 && Worse == Method.Count;

    /// <summary>A value or difference as printed: points with one decimal, or two decimals.</summary>
    public string Format(double value, bool signed = false)
    {
        string text = InPoints ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture);
        return signed && value >= 0 ? "+" + text : text;
    }
}
