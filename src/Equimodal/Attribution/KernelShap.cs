using System.Numerics;
using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// KernelSHAP (Lundberg &amp; Lee, 2017): Shapley values of feature groups of all modalities at once (so regions of the
/// spectrogram and of the frames compete), estimated by the weighted linear regression of v(S) - v(empty) on the
/// coalitions S with the Shapley kernel (M - 1) / (C(M, |S|) |S| (M - |S|)), constrained so the values add up to
/// v(all) - v(empty). Absent groups take the baseline. With no more than
/// <see cref="AttributionOptions.PerturbationSamples"/> coalitions in all, every one is evaluated and the result is
/// the exact Shapley value; otherwise that many are sampled (seeded; sizes drawn by the kernel, each coalition paired
/// with its complement) and weighted equally. The delta is sum(values) - (f(x) - f(baseline)).
/// </summary>
public sealed class KernelShap : GroupAttributionMethod
{
    /// <summary>Most groups whose coalitions are ever enumerated (2^30 rows would not fit in memory anyway).</summary>
    private const int MaxEnumeratedGroups = 30;

    /// <summary>KernelSHAP of plain functions.</summary>
    public KernelShap() { }

    /// <summary>KernelSHAP of <paramref name="model"/>.</summary>
    public KernelShap(MultimodalClassifier model) : base(model) { }

    /// <summary>
    /// Refuses fewer sampled coalitions than <paramref name="minimum"/> (the unknowns of the regression): with fewer,
    /// the fit is underdetermined and the ranking of groups is arbitrary (it flips with the seed).
    /// </summary>
    internal static void RequireDeterminedFit(int samples, int groups, int minimum, string method)
    {
        if (samples < minimum)
        {
            throw new ArgumentException($"{method} needs at least {minimum} coalitions per sample for its {groups} feature groups (fewer leave the fit underdetermined "
                + $"and the ranking of the groups arbitrary); got {samples}. Give --coalitions {minimum} or more, or leave the default.");
        }
    }

    /// <summary>Perturbed inputs per sample when <see cref="AttributionOptions.PerturbationSamples"/> is null: 2 x groups + 2048 (the shap package's default).</summary>
    public static int DefaultSamples(int groups) => 2 * groups + 2048;

    /// <inheritdoc />
    protected override (Tensor Values, Tensor? Delta) GroupValues(Func<Tensor, Tensor> evaluate, int groups, AttributionOptions options)
    {
        int budget = options.PerturbationSamples ?? DefaultSamples(groups);
        if (!(groups <= MaxEnumeratedGroups && (1L << groups) - 2 <= budget)) RequireDeterminedFit(budget, groups, groups, "KernelSHAP");
        var (coalitions, weights) = Coalitions(groups, budget, options.Seed);
        // Rows 0 and 1 are the empty and the full coalition: v(empty) = f(baseline) and v(all) = f(x).
        Tensor values = evaluate(cat(new[] { zeros(1, groups, ScalarType.Float64), ones(1, groups, ScalarType.Float64), coalitions }, 0));
        Tensor empty = values.select(1, 0), total = values.select(1, 1) - empty;
        Tensor shapley = groups == 1 ? total.unsqueeze(1) : Solve(coalitions, weights, values.narrow(1, 2, coalitions.shape[0]) - empty.unsqueeze(1), total);
        return (shapley, shapley.sum(1) - total);
    }

    /// <summary>
    /// The constrained regression: eliminating the last value with sum(phi) = total leaves an unconstrained weighted
    /// least-squares problem in the other M - 1 (the elimination of the shap package).
    /// </summary>
    private static Tensor Solve(Tensor coalitions, Tensor weights, Tensor gains, Tensor total)
    {
        long last = coalitions.shape[1] - 1;
        Tensor lastColumn = coalitions.narrow(1, last, 1);
        Tensor design = coalitions.narrow(1, 0, last) - lastColumn;
        Tensor others = Perturbations.WeightedLeastSquares(design, weights, gains - total.unsqueeze(1) * lastColumn.t());
        return cat(new[] { others, (total - others.sum(1)).unsqueeze(1) }, 1);
    }

    /// <summary>
    /// The coalitions [n, groups] (1 = present; neither empty nor full) and their regression weights [n]: all of them
    /// with the Shapley kernel's weights when they number no more than <paramref name="budget"/>, else
    /// <paramref name="budget"/> sampled ones with equal weights.
    /// </summary>
    internal static (Tensor Coalitions, Tensor Weights) Coalitions(int groups, int budget, int seed)
    {
        if (groups == 1) return (zeros(0, 1, ScalarType.Float64), zeros(0, ScalarType.Float64));
        if (groups <= MaxEnumeratedGroups && (1L << groups) - 2 <= budget)
        {
            long[] masks = Enumerable.Range(1, (1 << groups) - 2).Select(m => (long)m).ToArray();
            double[] weights = masks.Select(m => Kernel(groups, BitOperations.PopCount((ulong)m))).ToArray();
            return (Rows(masks.Select(m => Enumerable.Range(0, groups).Select(g => (m >> g & 1) == 1).ToArray()), groups), tensor(weights, ScalarType.Float64));
        }
        var random = new Random(seed);
        // The kernel's total weight on each coalition size s is proportional to 1 / (s (M - s)).
        double[] sizeWeights = Enumerable.Range(1, groups - 1).Select(s => 1.0 / (s * (groups - s))).ToArray();
        double sizeTotal = sizeWeights.Sum();
        var sampled = new List<bool[]>(budget);
        while (sampled.Count < budget)
        {
            double u = random.NextDouble() * sizeTotal;
            int size = 1;
            for (; size < groups - 1 && u >= sizeWeights[size - 1]; size++) u -= sizeWeights[size - 1];
            bool[] present = RandomSubset(random, groups, size);
            sampled.Add(present);
            if (sampled.Count < budget) sampled.Add(present.Select(p => !p).ToArray());
        }
        return (Rows(sampled, groups), ones(budget, ScalarType.Float64));
    }

    /// <summary>The Shapley kernel weight of one coalition of <paramref name="size"/> out of <paramref name="groups"/>.</summary>
    private static double Kernel(int groups, int size) => (groups - 1) / (Binomial(groups, size) * size * (groups - size));

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    /// <summary>A uniformly random subset of <paramref name="size"/> out of <paramref name="groups"/> (partial Fisher-Yates).</summary>
    private static bool[] RandomSubset(Random random, int groups, int size)
    {
        int[] order = Enumerable.Range(0, groups).ToArray();
        var present = new bool[groups];
        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, groups);
            (order[i], order[j]) = (order[j], order[i]);
            present[order[i]] = true;
        }
        return present;
    }

    /// <summary>Coalitions as a float64 matrix [n, groups].</summary>
    internal static Tensor Rows(IEnumerable<bool[]> coalitions, int groups)
    {
        double[] flat = coalitions.SelectMany(c => c.Select(p => p ? 1.0 : 0.0)).ToArray();
        return tensor(flat, ScalarType.Float64).view(flat.Length / groups, groups);
    }
}
