using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>The pieces every attribution method shares: input checks, baselines, targets and the guarded gradient call.</summary>
internal static class AttributionGradients
{
    /// <summary>Checks that there is at least one modality and that all share the batch size; returns it.</summary>
    public static long BatchSize(IReadOnlyList<Tensor> points)
    {
        if (points.Count == 0) throw new ArgumentException("Attribution needs at least one modality.");
        long batch = points[0].dim() == 0 ? throw new ArgumentException("Inputs must be batch first, got a scalar.") : points[0].shape[0];
        for (int m = 1; m < points.Count; m++)
        {
            if (points[m].dim() == 0 || points[m].shape[0] != batch)
                throw new ArgumentException($"Modality {m} has batch size {(points[m].dim() == 0 ? 0 : points[m].shape[0])}, modality 0 has {batch}.");
        }
        return batch;
    }

    /// <summary>One baseline per modality expanded to the batch's shape (zeros when none are given).</summary>
    public static Tensor[] Baselines(IReadOnlyList<Tensor> points, IReadOnlyList<Tensor>? baselines)
    {
        if (baselines is null) return points.Select(p => zeros_like(p).detach()).ToArray();
        if (baselines.Count != points.Count) throw new ArgumentException($"{baselines.Count} baselines for {points.Count} modalities.");
        return points.Select((p, m) =>
        {
            Tensor b = baselines[m];
            bool perSample = b.shape.SequenceEqual(p.shape.Skip(1));
            if (!perSample && !b.shape.SequenceEqual(p.shape))
                throw new ArgumentException($"Baseline {m} has shape [{string.Join(", ", b.shape)}]; expected one sample [{string.Join(", ", p.shape.Skip(1))}] or the batch [{string.Join(", ", p.shape)}].");
            return (perSample ? b.unsqueeze(0).expand(p.shape) : b).to(p.dtype, p.device);
        }).ToArray();
    }

    /// <summary>The target's class per sample (null for max logit), evaluating the function at the input only when needed.</summary>
    public static Tensor? Classes(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target)
    {
        long batch = BatchSize(points);
        if (!target.NeedsPrediction) return target.Resolve(batch, null);
        using var noGrad = no_grad();
        return target.Resolve(batch, function(points));
    }

    /// <summary>
    /// Tensors the gradient is taken with respect to. Without a graph they are fresh leaves cut from any upstream graph;
    /// in differentiable mode tensors already in a graph (e.g. embeddings) stay connected so gradients reach the encoders.
    /// </summary>
    public static Tensor[] Track(IEnumerable<Tensor> values, bool differentiable) =>
        values.Select(v => differentiable && v.requires_grad ? v : v.detach().requires_grad_(true)).ToArray();

    /// <summary>The target value per row: one forward pass of <paramref name="function"/>.</summary>
    public static Tensor TargetValues(LogitsFunction function, IReadOnlyList<Tensor> points, Tensor? classes, AttributionOutput output)
    {
        Tensor logits = function(points);
        if (logits.dim() != 2 || logits.shape[0] != points[0].shape[0])
            throw new ArgumentException($"The explained function must return logits [{points[0].shape[0]}, classes], got [{string.Join(", ", logits.shape)}].");
        return AttributionTarget.Select(logits, classes, output);
    }

    /// <summary>
    /// Gradient of the summed target values with respect to each of <paramref name="points"/> (made by <see cref="Track"/>).
    /// Differentiable: the gradients carry a graph (double backward). Otherwise they are detached.
    /// </summary>
    public static Tensor[] Gradients(LogitsFunction function, IReadOnlyList<Tensor> points, Tensor? classes, AttributionOptions options)
    {
        // autograd.grad aborts the process (no exception) on bad inputs, so everything it needs is checked here.
        BatchSize(points);
        if (points.Any(p => !p.requires_grad)) throw new ArgumentException("Every attributed tensor must require a gradient.");
        Tensor total = TargetValues(function, points, classes, options.Output).sum();
        // A modality the function ignores would be outside the graph, which autograd.grad rejects; adding each input
        // times zero keeps all of them in the graph and gives the ignored ones the exact gradient 0.
        foreach (Tensor p in points) total = total.add(p.sum() * Held(0), One);
        IList<Tensor> gradients = torch.autograd.grad(new[] { total }, points.ToArray(),
            retain_graph: options.Differentiable, create_graph: options.Differentiable);
        return options.Differentiable ? gradients.ToArray() : gradients.Select(g => g.detach()).ToArray();
    }
}
