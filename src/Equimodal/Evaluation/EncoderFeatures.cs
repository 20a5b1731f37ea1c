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
    /// of <paramref name="data"/> (bound to the model; all samples when null), in one <see cref="EvaluationSweep"/>.
    /// </summary>
    public static (Tensor[] Features, Tensor Labels) Extract(MultimodalClassifier model, IMultimodalDataset data, int batchSize, Device device,
        IReadOnlyList<int>? samples = null)
    {
        IMultimodalDataset swept = samples is null ? data : new DatasetSubset(data, samples);
        var parts = Enumerable.Range(0, model.ModalityNames.Count).Select(_ => new List<Tensor>()).ToArray();
        var labels = new List<Tensor>();
        using var scope = NewDisposeScope();
        EvaluationSweep.Run(model, swept, batchSize, device, batch =>
        {
            Tensor[] embeddings = model.Encode(batch.Inputs);
            for (int m = 0; m < embeddings.Length; m++) parts[m].Add(embeddings[m].MoveToOuterDisposeScope());
            // The batch's own labels are disposed with the batch.
            labels.Add(batch.Labels.clone().MoveToOuterDisposeScope());
        });
        Tensor[] features = parts.Select(p => cat(p.ToArray(), 0).MoveToOuterDisposeScope()).ToArray();
        return (features, cat(labels.ToArray(), 0).MoveToOuterDisposeScope());
    }
}
