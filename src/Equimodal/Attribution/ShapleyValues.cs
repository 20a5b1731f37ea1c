using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Exact Shapley values over modalities: every one of the 2^M coalitions is evaluated, modalities outside the coalition
/// replaced by their baseline (zeros by default), and v(empty) is measured, not assumed 0. On a model's embeddings
/// with zero baselines this is the <see cref="MissingModality"/> policy. Per sample the value is the target logit or probability ([batch] per modality); over a dataset it is the
/// accuracy (<see cref="OfAccuracy"/>). The delta is sum(values) - (v(all) - v(empty)), zero up to rounding.
/// </summary>
public sealed class ShapleyValues : AttributionMethod
{
    /// <summary>Shapley values of plain functions.</summary>
    public ShapleyValues() { }

    /// <summary>Shapley values of <paramref name="model"/>.</summary>
    public ShapleyValues(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        int coalitions = ModalityCoalitions.Count(points.Count);
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] baselines = AttributionGradients.Baselines(points, options.Baselines);
        using var gradientMode = options.Differentiable ? null : no_grad();
        Tensor[] values = Enumerable.Range(0, coalitions)
            .Select(coalition => AttributionGradients.TargetValues(function, Coalition(points, baselines, coalition), classes, options.Output))
            .ToArray();
        Tensor[] shapley = ModalityCoalitions.Shapley(values);
        Tensor delta = shapley.Aggregate((a, b) => a.add(b, One)) - (values[^1] - values[0]);
        return new AttributionResult(shapley, delta);
    }

    /// <summary>
    /// Shapley values of the accuracy over <paramref name="dataset"/> (bound to the model: inputs in model order), in one
    /// <see cref="EvaluationSweep"/>; modalities outside a coalition are absent (<see cref="MissingModality"/>:
    /// embedding zeroed at the fusion input, the policy the model is trained and evaluated with).
    /// </summary>
    public static DatasetShapley OfAccuracy(MultimodalClassifier model, IMultimodalDataset dataset, int batchSize)
    {
        int coalitions = ModalityCoalitions.Count(model.ModalityNames.Count);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty.");
        var correct = new long[coalitions];
        EvaluationSweep.Run(model, dataset, batchSize, model.parameters().First().device, batch =>
        {
            Tensor[] embeddings = model.Encode(batch.Inputs);
            for (int coalition = 0; coalition < coalitions; coalition++)
                correct[coalition] += model.Fuse(embeddings, coalition).argmax(1).eq(batch.Labels).sum().item<long>();
        });
        double[] accuracy = correct.Select(c => (double)c / dataset.Count).ToArray();
        return new DatasetShapley(model.ModalityNames, ModalityCoalitions.Shapley(accuracy), accuracy);
    }

    private static Tensor[] Coalition(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> absent, int coalition) =>
        inputs.Select((x, m) => ModalityCoalitions.Contains(coalition, m) ? x : absent[m]).ToArray();
}
