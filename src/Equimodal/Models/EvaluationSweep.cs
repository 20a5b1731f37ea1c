using Equimodal.Data;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// One pass of a model over a dataset for measuring it, written once for every evaluation loop (metrics, diagnostics,
/// encoder features, Shapley accuracies, a method's own measurements): the samples in order, unaugmented, in batches;
/// the model in evaluation mode for the whole pass (<see cref="EvaluationModeScope"/>: every submodule's own mode comes
/// back afterwards, also when the pass fails); no gradients unless the visitor enables them; one dispose scope per batch.
/// </summary>
public static class EvaluationSweep
{
    /// <summary>
    /// Calls <paramref name="visit"/> with every batch of <paramref name="dataset"/> (bound to the model: inputs in model
    /// order) on <paramref name="device"/>, in sample order. Tensors the visitor keeps beyond its batch must be moved out
    /// of the batch's dispose scope. A dataset whose inputs are not the model's, in order, is refused: bind it first
    /// (<see cref="ModalityBinding.Bind(IMultimodalDataset, IReadOnlyList{string}, string)"/>).
    /// </summary>
    public static void Run(MultimodalClassifier model, IMultimodalDataset dataset, int batchSize, Device device, Action<Batch> visit)
    {
        string[] inputs = dataset.Modalities.Select(m => m.Name).ToArray();
        if (!inputs.SequenceEqual(model.ModalityNames))
        {
            throw new ArgumentException($"The dataset's inputs ({string.Join(", ", inputs)}) are not the model's ({string.Join(", ", model.ModalityNames)}) in order; "
                + "bind the dataset to the model (ModalityBinding.Bind or RunPlan.Bind) before evaluating.");
        }
        using var evaluation = new EvaluationModeScope(model);
        using var noGrad = no_grad();
        foreach (Batch loaded in new PrefetchingLoader(new BatchLoader(dataset, batchSize, shuffle: false, seed: 0)).Batches(0, training: false))
        {
            using var scope = NewDisposeScope();
            using Batch owned = loaded;
            visit(owned.To(device));
        }
    }
}
