using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// What the perturbation methods share: evaluating the target at many perturbed copies of each sample, in chunks of
/// rows (one forward pass per chunk), where perturbation p keeps the input where its mask is 1 and puts the baseline where it is 0.
/// </summary>
internal static class Perturbations
{
    /// <summary>
    /// The detached inputs, the target class per sample and the baselines expanded to the batch; throws for the option
    /// the perturbation methods cannot honour.
    /// </summary>
    public static (Tensor[] Inputs, Tensor? Classes, Tensor[] Baselines) Prepare(LogitsFunction function, IReadOnlyList<Tensor> points,
        AttributionTarget target, AttributionOptions options)
    {
        if (options.Differentiable)
            throw new NotSupportedException("Perturbation attributions are not differentiable: use a gradient method for a training loss.");
        Tensor[] inputs = points.Select(p => p.detach()).ToArray();
        return (inputs, AttributionGradients.Classes(function, inputs, target), AttributionGradients.Baselines(inputs, options.Baselines));
    }

    /// <summary>
    /// The target per sample and perturbation [batch, perturbations], without a graph. <paramref name="keep"/> maps
    /// perturbation indices [rows] to one keep mask per modality [rows, sample shape...] (1 = input, 0 = baseline).
    /// Rows run sample by sample, so a chunk touches few samples.
    /// </summary>
    public static Tensor Evaluate(LogitsFunction function, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> baselines,
        long perturbations, Func<Tensor, Tensor[]> keep, Tensor? classes, AttributionOptions options)
    {
        using var noGrad = no_grad();
        long batch = inputs[0].shape[0], rows = batch * perturbations;
        long chunk = options.InternalBatchSize ?? AttributionOptions.DefaultPerturbationRowsPerPass;
        var values = new List<Tensor>();
        for (long start = 0; start < rows; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long end = Math.Min(start + chunk, rows);
            Tensor row = arange(Held(start), Held(end), One, ScalarType.Int64, inputs[0].device);
            Tensor sample = row.div(Held(perturbations), RoundingMode.floor);
            Tensor[] kept = keep(row.remainder(Held(perturbations)));
            Tensor[] perturbed = inputs.Select((x, m) =>
            {
                Tensor b = baselines[m].index_select(0, sample);
                return b.add(kept[m].to(x.dtype, x.device) * (x.index_select(0, sample) - b), One);
            }).ToArray();
            values.Add(AttributionGradients.TargetValues(function, perturbed, classes?.index_select(0, sample), options.Output).MoveToOuterDisposeScope());
            options.Progress?.Invoke(end, rows);
        }
        return cat(values, 0).view(batch, perturbations);
    }

    /// <summary>
    /// Weighted least squares for every sample at once, in float64: the coefficients [batch, k] minimising
    /// sum_i weights_i (targets[s, i] - design_i . coefficients[s])^2 for each sample s, with design [n, k], weights [n]
    /// and targets [batch, n]. Rank-deficient designs (too few samples) still get a solution.
    /// </summary>
    public static Tensor WeightedLeastSquares(Tensor design, Tensor weights, Tensor targets)
    {
        Tensor root = weights.to_type(ScalarType.Float64).sqrt();
        Tensor scaledDesign = design.to_type(ScalarType.Float64) * root.unsqueeze(1);
        Tensor scaledTargets = targets.to_type(ScalarType.Float64).t() * root.unsqueeze(1);
        return torch.linalg.lstsq(scaledDesign, scaledTargets).Solution.t();
    }
}

/// <summary>
/// The feature groups of all modalities numbered together (modality 0's first), so coalitions of groups can mix
/// regions of every modality.
/// </summary>
internal sealed class FeatureGroups
{
    private readonly Tensor[] _groupOfElement;
    private readonly long[][] _sampleShapes;
    private readonly Tensor _sizes;

    /// <summary>Segments every modality of <paramref name="points"/> (batch first) by the options' segmentations or the defaults.</summary>
    public FeatureGroups(IReadOnlyList<Tensor> points, IReadOnlyList<Segmentation?>? segmentations)
    {
        if (segmentations is not null && segmentations.Count != points.Count)
            throw new ArgumentException($"{segmentations.Count} segmentations for {points.Count} modalities.");
        _sampleShapes = points.Select(p => p.shape.Skip(1).ToArray()).ToArray();
        _groupOfElement = new Tensor[points.Count];
        int offset = 0;
        for (int m = 0; m < points.Count; m++)
        {
            Segmentation segmentation = segmentations?[m] ?? Segmentation.Default(_sampleShapes[m]);
            var (groups, count) = segmentation.Assign(_sampleShapes[m]);
            _groupOfElement[m] = tensor(groups.Select(g => g + offset).ToArray(), ScalarType.Int64, points[m].device);
            offset += count;
        }
        Count = offset;
        _sizes = cat(_groupOfElement, 0).bincount(null, Count).to_type(ScalarType.Float64);
    }

    /// <summary>Number of groups over all modalities.</summary>
    public int Count { get; }

    /// <summary>Keep masks per modality [rows, sample shape...] for coalitions [rows, groups] (1 = group present).</summary>
    public Tensor[] Keep(Tensor coalitions) =>
        _groupOfElement.Select((groups, m) => coalitions.index_select(1, groups.to(coalitions.device))
            .view(new[] { coalitions.shape[0] }.Concat(_sampleShapes[m]).ToArray())).ToArray();

    /// <summary>
    /// Group values [batch, groups] spread evenly over each group's elements, one tensor per modality shaped like the
    /// batch, in the dtype of <paramref name="like"/>; a modality's sum is then the sum of its groups' values.
    /// </summary>
    public Tensor[] Spread(Tensor values, IReadOnlyList<Tensor> like)
    {
        Tensor density = values.to_type(ScalarType.Float64) / _sizes.to(values.device);
        return _groupOfElement.Select((groups, m) => density.index_select(1, groups.to(values.device))
            .view(like[m].shape).to(like[m].dtype)).ToArray();
    }
}
