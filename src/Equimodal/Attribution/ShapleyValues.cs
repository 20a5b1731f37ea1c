using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Exact Shapley values over modalities: every one of the 2^M coalitions is evaluated, modalities outside the coalition
/// replaced by their baseline (zeros by default, the BalanceBenchmark convention), and v(empty) is measured, not
/// assumed 0. Per sample the value is the target logit or probability ([batch] per modality); over a dataset it is the
/// accuracy (<see cref="OfAccuracy"/>). The delta is sum(values) - (v(all) - v(empty)), zero up to rounding.
/// </summary>
public sealed class ShapleyValues : AttributionMethod
{
    /// <summary>Largest number of modalities (2^M forward passes).</summary>
    public const int MaxModalities = 12;

    /// <summary>Shapley values of plain functions.</summary>
    public ShapleyValues() { }

    /// <summary>Shapley values of <paramref name="model"/>.</summary>
    public ShapleyValues(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        CheckModalityCount(points.Count);
        Tensor? classes = AttributionGradients.Classes(function, points, target);
        Tensor[] baselines = AttributionGradients.Baselines(points, options.Baselines);
        using var gradientMode = options.Differentiable ? null : no_grad();
        Tensor[] values = Enumerable.Range(0, 1 << points.Count)
            .Select(coalition => AttributionGradients.TargetValues(function, Coalition(points, baselines, coalition), classes, options.Output))
            .ToArray();
        Tensor[] shapley = FromCoalitionValues(values);
        Tensor delta = shapley.Aggregate((a, b) => a + b) - (values[^1] - values[0]);
        return new AttributionResult(shapley, delta);
    }

    /// <summary>
    /// Shapley values from the value of every coalition, indexed by bitmask (bit m set = modality m present):
    /// phi_m = sum over coalitions S without m of |S|! (M - |S| - 1)! / M! * (v(S + m) - v(S)).
    /// </summary>
    public static Tensor[] FromCoalitionValues(IReadOnlyList<Tensor> values)
    {
        int modalities = (int)Math.Round(Math.Log2(values.Count));
        if (values.Count != 1 << modalities || modalities == 0) throw new ArgumentException($"Expected 2^M coalition values, got {values.Count}.");
        var result = new Tensor[modalities];
        for (int m = 0; m < modalities; m++)
        {
            Tensor? sum = null;
            for (int coalition = 0; coalition < values.Count; coalition++)
            {
                if ((coalition & (1 << m)) != 0) continue;
                int size = System.Numerics.BitOperations.PopCount((uint)coalition);
                double weight = Factorial(size) * Factorial(modalities - size - 1) / Factorial(modalities);
                Tensor term = (values[coalition | (1 << m)] - values[coalition]) * weight;
                sum = sum is null ? term : sum + term;
            }
            result[m] = sum!;
        }
        return result;
    }

    /// <summary>
    /// Shapley values of the accuracy over <paramref name="dataset"/> (the model reads the dataset's modalities at
    /// <paramref name="modalityIndices"/>); modalities outside a coalition are zeroed.
    /// </summary>
    public static DatasetShapley OfAccuracy(MultimodalClassifier model, IMultimodalDataset dataset, IReadOnlyList<int> modalityIndices, int batchSize)
    {
        CheckModalityCount(modalityIndices.Count);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty.");
        int coalitions = 1 << modalityIndices.Count;
        var correct = new long[coalitions];
        using var evaluation = new EvaluationModeScope(model);
        using var noGrad = no_grad();
        Device device = model.parameters().First().device;
        for (int start = 0; start < dataset.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int[] indices = Enumerable.Range(start, Math.Min(batchSize, dataset.Count - start)).ToArray();
            using Batch batch = dataset.GetBatch(indices, Augmentation.None).Select(modalityIndices).To(device);
            Tensor[] inputs = batch.Inputs.ToArray();
            Tensor[] zeros = inputs.Select(x => zeros_like(x)).ToArray();
            for (int coalition = 0; coalition < coalitions; coalition++)
            {
                Tensor predicted = model.Fuse(model.Encode(Coalition(inputs, zeros, coalition))).argmax(1);
                correct[coalition] += predicted.eq(batch.Labels).sum().item<long>();
            }
        }
        double[] accuracy = correct.Select(c => (double)c / dataset.Count).ToArray();
        double[] values = FromCoalitionValues(accuracy.Select(a => tensor(a, ScalarType.Float64)).ToArray()).Select(t => t.item<double>()).ToArray();
        return new DatasetShapley(model.ModalityNames, values, accuracy);
    }

    private static Tensor[] Coalition(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> absent, int coalition) =>
        inputs.Select((x, m) => (coalition & (1 << m)) != 0 ? x : absent[m]).ToArray();

    private static void CheckModalityCount(int count)
    {
        if (count < 1 || count > MaxModalities) throw new ArgumentException($"Exact Shapley values need 1..{MaxModalities} modalities, got {count}.");
    }

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
}

/// <summary>Shapley values of a dataset's accuracy over modalities.</summary>
/// <param name="Modalities">Modality names, in input order.</param>
/// <param name="Values">Each modality's Shapley value (accuracy points, as a fraction).</param>
/// <param name="CoalitionAccuracy">Accuracy of every coalition, indexed by bitmask (bit m set = modality m present).</param>
public sealed record DatasetShapley(IReadOnlyList<string> Modalities, IReadOnlyList<double> Values, IReadOnlyList<double> CoalitionAccuracy)
{
    /// <summary>Accuracy with every modality present.</summary>
    public double Full => CoalitionAccuracy[^1];

    /// <summary>Accuracy with every modality zeroed (measured).</summary>
    public double Empty => CoalitionAccuracy[0];
}
