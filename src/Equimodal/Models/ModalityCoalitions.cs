using System.Numerics;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Coalitions of modalities as bitmasks (bit m set = modality m present) and the exact Shapley decomposition over them:
/// the one implementation behind AGM's per-modality responses and the Shapley diagnostics.
/// </summary>
public static class ModalityCoalitions
{
    /// <summary>Largest number of modalities: an exact decomposition evaluates all 2^M coalitions.</summary>
    public const int MaxModalities = 12;

    /// <summary>Number of coalitions of <paramref name="modalities"/> modalities (2^M), after checking the count.</summary>
    public static int Count(int modalities)
    {
        if (modalities < 1 || modalities > MaxModalities)
            throw new ArgumentException($"An exact Shapley decomposition needs 1 to {MaxModalities} modalities (2^M evaluations), got {modalities}.");
        return 1 << modalities;
    }

    /// <summary>The coalition holding every one of <paramref name="modalities"/> modalities.</summary>
    public static int All(int modalities) => (1 << modalities) - 1;

    /// <summary>The coalition holding every modality except <paramref name="missing"/>.</summary>
    public static int Without(int modalities, int missing) => All(modalities) & ~(1 << missing);

    /// <summary>Whether <paramref name="coalition"/> holds modality <paramref name="modality"/>.</summary>
    public static bool Contains(int coalition, int modality) => (coalition & (1 << modality)) != 0;

    /// <summary>|S|! (M - |S| - 1)! / M!: the weight of a coalition of <paramref name="size"/> modalities out of <paramref name="modalities"/>.</summary>
    public static double Weight(int size, int modalities) => Factorial(size) * Factorial(modalities - size - 1) / Factorial(modalities);

    /// <summary>
    /// Shapley values from the value of every coalition, indexed by bitmask:
    /// phi_m = sum over coalitions S without m of |S|! (M - |S| - 1)! / M! * (v(S + m) - v(S)). They sum to v(all) - v(empty).
    /// </summary>
    public static Tensor[] Shapley(IReadOnlyList<Tensor> values)
    {
        int modalities = BitOperations.Log2((uint)values.Count);
        if (values.Count != 1 << modalities || modalities == 0) throw new ArgumentException($"Expected 2^M coalition values, got {values.Count}.");
        var result = new Tensor[modalities];
        for (int m = 0; m < modalities; m++)
        {
            Tensor? sum = null;
            for (int coalition = 0; coalition < values.Count; coalition++)
            {
                if (Contains(coalition, m)) continue;
                Tensor term = (values[coalition | (1 << m)] - values[coalition]) * Held(Weight(BitOperations.PopCount((uint)coalition), modalities));
                sum = sum is null ? term : sum.add(term, One);
            }
            result[m] = sum!;
        }
        return result;
    }

    /// <summary>Shapley values of plain numbers (one value per coalition, indexed by bitmask).</summary>
    public static double[] Shapley(IReadOnlyList<double> values)
    {
        using var scope = NewDisposeScope();
        return Shapley(values.Select(v => tensor(v, ScalarType.Float64)).ToArray()).Select(t => t.item<double>()).ToArray();
    }

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
}
