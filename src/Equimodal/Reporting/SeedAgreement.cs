
namespace Equimodal.Reporting;

/// <summary>Per-seed agreement of a method with a baseline, and the claims that held on every seed.</summary>
public static class SeedAgreement
{
    /// <summary>One line per quantity: "accuracy: higher than joint on 2 of 3 seeds (+1.3, -2.1, +0.8 points)".</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<PairedSeeds> comparisons, string baseline) =>
        comparisons.Select(c =>
        {
            string direction = c.HigherIsBetter ? "higher" : "lower";
            string differences = string.Join(", ", c.Differences.Select(d => c.Format(d, signed: true)));
            return $"{c.Quantity}: {direction} than {baseline} on {c.Better} of {c.Method.Count} seeds ({differences}{(c.InPoints ? " points" : "")})";
        }).ToArray();

    /// <summary>
    /// The claim the seeds support: the quantities on which <paramref name="method"/> was better on every seed, those on
    /// which it was worse on every seed (a consistent loss is said as plainly as a gain), and those left unclaimed with
    /// their counts; a quantity better on only some seeds is never claimed.
    /// </summary>
    public static string Claim(IReadOnlyList<PairedSeeds> comparisons, string method, string baseline)
    {
        int seeds = comparisons.Count == 0 ? 0 : comparisons[0].Method.Count;
        string[] better = comparisons.Where(c => c.HeldOnEverySeed).Select(c => c.Quantity).ToArray();
        string[] worse = comparisons.Where(c => c.WorseOnEverySeed).Select(c => c.Quantity).ToArray();
        string[] notHeld = comparisons.Where(c => !c.HeldOnEverySeed && !c.WorseOnEverySeed).Select(c => $"{c.Quantity} ({c.Better} of {seeds})").ToArray();
        var held = new List<string>();
        if (better.Length > 0) held.Add($"{method} is better than {baseline} in {string.Join("; ", better)}");
        if (worse.Length > 0) held.Add($"{method} is worse than {baseline} in {string.Join("; ", worse)}");
        string claim = held.Count == 0
            ? $"No difference between {method} and {baseline} held on all {seeds} seeds."
            : $"Held on all {seeds} seeds: {string.Join("; and ", held)}.";
        return notHeld.Length == 0 ? claim : $"{claim} Not on every seed, so not claimed: {string.Join("; ", notHeld)}.";
    }
}
