using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>Each modality's encoder output over a set of samples, in evaluation mode (prototypes, purity, linear probes).</summary>
public static class EncoderFeatures
{
    /// <summary>
    /// Features [samples, d_m] of every modality of <paramref name="model"/> and the labels, for <paramref name="samples"/>
    /// of <paramref name="data"/> (all when null), without augmentation or gradients; the model's mode is restored.
    /// </summary>
    public static (Tensor[] Features, Tensor Labels) Extract(MultimodalClassifier model, IMultimodalDataset data, IReadOnlyList<int> modalityIndices,
        int batchSize, Device device, IReadOnlyList<int>? samples = null)
    {
        samples ??= Enumerable.Range(0, data.Count).ToArray();
        var parts = Enumerable.Range(0, modalityIndices.Count).Select(_ => new List<Tensor>()).ToArray();
        var labels = new List<Tensor>();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            for (int start = 0; start < samples.Count; start += batchSize)
            {
                int[] indices = samples.Skip(start).Take(batchSize).ToArray();
                Batch batch = data.GetBatch(indices, Augmentation.None).Select(modalityIndices).To(device);
                Tensor[] embeddings = model.Encode(batch.Inputs);
                for (int m = 0; m < embeddings.Length; m++) parts[m].Add(embeddings[m]);
                labels.Add(batch.Labels);
            }
            Tensor[] features = parts.Select(p => cat(p.ToArray(), 0).MoveToOuterDisposeScope()).ToArray();
            return (features, cat(labels.ToArray(), 0).MoveToOuterDisposeScope());
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
