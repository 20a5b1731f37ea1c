using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>A mini-batch: one input tensor per modality (batch first) and the labels.</summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch.</summary>
    public Batch(IReadOnlyList<Tensor> inputs, Tensor labels)
    {
        Inputs = inputs;
        Labels = labels;
    }

    /// <summary>Inputs in the dataset's modality order.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>
    /// The labels: class indices, int64 [batch] (classification); multi-hot float32 [batch, labels] (multi-label);
    /// target values, float32 [batch, targets] (regression).
    /// </summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples.</summary>
    public long Size => Labels.shape[0];

    /// <summary>Returns the batch with only the modalities at <paramref name="modalityIndices"/>, in that order.</summary>
    public Batch Select(IReadOnlyList<int> modalityIndices) =>
        new(modalityIndices.Select(i => Inputs[i]).ToArray(), Labels);

    /// <summary>Moves every tensor to <paramref name="device"/>.</summary>
    public Batch To(Device device) =>
        device.type == DeviceType.CPU ? this : new(Inputs.Select(t => t.to(device)).ToArray(), Labels.to(device));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor input in Inputs) input.Dispose();
        Labels.Dispose();
    }
}
