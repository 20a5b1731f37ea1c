using Equimodal.Models;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// LIME (Ribeiro et al., 2016) over feature groups of all modalities: a weighted linear surrogate
/// f(S) ~ intercept + sum of the coefficients of the groups present, fitted on the full input and
/// <see cref="AttributionOptions.PerturbationSamples"/> - 1 random coalitions (each group present with probability 1/2,
/// seeded; absent groups take the baseline), each weighted by exp(-d^2 / (2 width^2)) with d the cosine distance between the
/// coalition and the full input: lime's kernel. The fit is plain weighted least squares (lime's default is a Ridge
/// regression, Captum's a Lasso), so the coefficients are not shrunk. The group's value is its coefficient.
/// At least groups + 1 coalitions are needed for a determined fit.
/// </summary>
public sealed class Lime : GroupAttributionMethod
{
    /// <summary>LIME of plain functions.</summary>
    public Lime() { }

    /// <summary>LIME of <paramref name="model"/>.</summary>
    public Lime(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override (Tensor Values, Tensor? Delta) GroupValues(Func<Tensor, Tensor> evaluate, int groups, AttributionOptions options)
    {
        int samples = options.PerturbationSamples ?? KernelShap.DefaultSamples(groups);
        KernelShap.RequireDeterminedFit(samples, groups, groups + 1, "LIME");
        Tensor coalitions = Coalitions(groups, samples, options.Seed);
        Tensor values = evaluate(coalitions);
        Tensor distance = (coalitions.sum(1) / Held(groups)).sqrt().negative().add(Held(1), One);
        using Scalar twiceSquaredWidth = (2 * options.LimeKernelWidth * options.LimeKernelWidth).ToScalar();
        Tensor weights = distance.pow(Held(2)).neg().div(twiceSquaredWidth).exp();
        Tensor design = cat(new[] { ones(coalitions.shape[0], 1, ScalarType.Float64), coalitions }, 1);
        return (Perturbations.WeightedLeastSquares(design, weights, values).narrow(1, 1, groups), null);
    }

    /// <summary>The full coalition followed by <paramref name="samples"/> - 1 seeded random ones [samples, groups].</summary>
    private static Tensor Coalitions(int groups, int samples, int seed)
    {
        var random = new Random(seed);
        IEnumerable<bool[]> sampled = Enumerable.Range(1, samples - 1).Select(_ => Enumerable.Range(0, groups).Select(_ => random.Next(2) == 1).ToArray());
        return KernelShap.Rows(sampled.Prepend(Enumerable.Repeat(true, groups).ToArray()).ToList(), groups);
    }
}
