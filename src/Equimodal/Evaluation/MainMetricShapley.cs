using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>
/// Exact Shapley values of a dataset's main metric over modalities, for every task: accuracy for classification
/// (<see cref="ShapleyValues.OfAccuracy"/>), mAP for multi-label, CCC for regression; a modality outside a coalition is
/// absent (<see cref="MissingModality"/>), and v(empty) is measured. Imbalance degrees and failure gaps follow from it.
/// </summary>
public static class MainMetricShapley
{
    /// <summary>The Shapley values of <paramref name="dataset"/>'s main metric (the model reads the inputs at <paramref name="modalityIndices"/>).</summary>
    public static DatasetShapley Compute(MultimodalClassifier model, IMultimodalDataset dataset, IReadOnlyList<int> modalityIndices, int batchSize)
    {
        if (dataset.Task == TaskKind.Classification) return ShapleyValues.OfAccuracy(model, dataset, modalityIndices, batchSize);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty.");
        PredictionTask task = PredictionTask.Create(dataset.Task, dataset.ClassNames);
        int coalitions = ModalityCoalitions.Count(modalityIndices.Count), n = dataset.Count, k = task.OutputSize;
        double[][,] outputs = Enumerable.Range(0, coalitions).Select(_ => new double[n, k]).ToArray();
        var labels = new double[n, k];
        using var evaluation = new EvaluationModeScope(model);
        using var noGrad = no_grad();
        Device device = model.parameters().First().device;
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int[] indices = Enumerable.Range(start, Math.Min(batchSize, n - start)).ToArray();
            using Batch batch = dataset.GetBatch(indices, Augmentation.None).Select(modalityIndices).To(device);
            Tensor[] embeddings = model.Encode(batch.Inputs);
            Fill(labels, batch.Labels, start);
            for (int coalition = 0; coalition < coalitions; coalition++) Fill(outputs[coalition], model.Fuse(embeddings, coalition), start);
        }
        double[] values = outputs.Select(o => TaskEvaluation.MainScore(task, o, labels)).ToArray();
        return new DatasetShapley(model.ModalityNames, ModalityCoalitions.Shapley(values), values);
    }

    private static void Fill(double[,] target, Tensor rows, int offset)
    {
        float[] values = rows.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray();
        int k = target.GetLength(1);
        for (int i = 0; i < values.Length / k; i++)
            for (int c = 0; c < k; c++) target[offset + i, c] = values[i * k + c];
    }
}
