using Equimodal.Models;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Integrated Gradients: (x - b) times the average gradient on the straight path from the baseline b to x, by the chosen
/// quadrature rule. The (step, sample) rows are evaluated in chunks of <see cref="AttributionOptions.InternalBatchSize"/>.
/// The delta is sum(attributions) - (f(x) - f(b)) per sample; it shrinks as the steps grow.
/// </summary>
public sealed class IntegratedGradients : AttributionMethod
{
    /// <summary>Integrated Gradients of plain functions.</summary>
    public IntegratedGradients() { }

    /// <summary>Integrated Gradients of <paramref name="model"/>.</summary>
    public IntegratedGradients(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        long batch = AttributionGradients.BatchSize(points);
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] inputs = points.Select(p => options.Differentiable ? p : p.detach()).ToArray();
        Tensor[] baselines = AttributionGradients.Baselines(inputs, options.Baselines);
        Tensor[] paths = inputs.Select((x, m) => x - baselines[m]).ToArray();
        var (alphaValues, weightValues) = IntegrationRules.PointsAndWeights(options.Rule, options.Steps);
        Tensor alphas = tensor(alphaValues, inputs[0].dtype, inputs[0].device);
        Tensor weights = tensor(weightValues, inputs[0].dtype, inputs[0].device);

        // Row r of the expanded problem is step r / batch of sample r % batch.
        long rows = options.Steps * batch;
        long chunk = options.InternalBatchSize ?? rows;
        Tensor[] averageGradients = inputs.Select(x => zeros_like(x)).ToArray();
        for (long start = 0; start < rows; start += chunk)
        {
            // Each chunk's activations are released before the next one, which is what bounds the memory.
            using var chunkScope = NewDisposeScope();
            Tensor row = arange(Held(start), Held(Math.Min(start + chunk, rows)), One, ScalarType.Int64, inputs[0].device);
            Tensor sample = row.remainder(Held(batch));
            Tensor step = row.div(Held(batch), RoundingMode.floor);
            Tensor alpha = alphas.index_select(0, step);
            Tensor weight = weights.index_select(0, step);
            Tensor[] interpolated = inputs.Select((x, m) =>
                baselines[m].index_select(0, sample).add(Broadcast(alpha, x) * paths[m].index_select(0, sample), One)).ToArray();
            Tensor[] tracked = AttributionGradients.Track(interpolated, options.Differentiable);
            Tensor[] gradients = AttributionGradients.Gradients(function, tracked, classes?.index_select(0, sample), options);
            for (int m = 0; m < inputs.Length; m++)
                averageGradients[m] = averageGradients[m].index_add(0, sample, gradients[m] * Broadcast(weight, gradients[m]), One).MoveToOuterDisposeScope();
            options.Progress?.Invoke(Math.Min(start + chunk, rows), rows);
        }
        Tensor[] attributions = paths.Select((path, m) => path * averageGradients[m]).ToArray();
        Tensor? delta = options.ComputeDelta ? Delta(function, inputs, baselines, attributions, classes, options.Output) : null;
        return new AttributionResult(attributions, delta);
    }

    /// <summary>sum over modalities of the attributions minus (f(x) - f(b)), per sample, without a graph.</summary>
    private static Tensor Delta(LogitsFunction function, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> baselines,
        IReadOnlyList<Tensor> attributions, Tensor? classes, AttributionOutput output)
    {
        using var noGrad = no_grad();
        Tensor total = attributions.Select(a => a.detach().flatten(1).sum(1)).Aggregate((a, b) => a.add(b, One));
        Tensor atInput = AttributionGradients.TargetValues(function, inputs, classes, output);
        Tensor atBaseline = AttributionGradients.TargetValues(function, baselines, classes, output);
        return total - (atInput - atBaseline);
    }

    /// <summary>Reshapes a per-row vector [rows] to [rows, 1, ...] so it broadcasts against <paramref name="like"/>.</summary>
    private static Tensor Broadcast(Tensor perRow, Tensor like) =>
        perRow.view(new[] { perRow.shape[0] }.Concat(Enumerable.Repeat(1L, (int)like.dim() - 1)).ToArray());
}
