using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>A dataset held in memory as one tensor per modality (samples first) plus a label vector.</summary>
public sealed class TensorDataset : IMultimodalDataset, IDisposable
{
    private readonly Tensor[] _inputs;
    private readonly Tensor _labels;
    private readonly int[] _labelValues;

    /// <summary>Creates the dataset; tensors are kept (not copied) and disposed with it.</summary>
    public TensorDataset(IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<string> classNames, IReadOnlyList<Tensor> inputs, Tensor labels)
    {
        if (modalities.Count != inputs.Count)
            throw new ArgumentException($"{modalities.Count} modalities but {inputs.Count} input tensors.");
        long count = labels.shape[0];
        for (int m = 0; m < inputs.Count; m++)
        {
            long[] expected = new[] { count }.Concat(modalities[m].Shape).ToArray();
            if (!inputs[m].shape.SequenceEqual(expected))
                throw new ArgumentException($"Modality '{modalities[m].Name}' has shape [{string.Join(", ", inputs[m].shape)}], expected [{string.Join(", ", expected)}].");
        }
        Modalities = modalities;
        ClassNames = classNames;
        _inputs = inputs.ToArray();
        _labels = labels.to_type(ScalarType.Int64);
        _labelValues = _labels.data<long>().Select(v => (int)v).ToArray();
        int bad = Array.FindIndex(_labelValues, v => v < 0 || v >= classNames.Count);
        if (bad >= 0) throw new ArgumentException($"Sample {bad} has label {_labelValues[bad]}, outside 0..{classNames.Count - 1}.");
    }

    /// <inheritdoc />
    public IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public int Count => _labelValues.Length;

    /// <summary>The full input tensor of modality <paramref name="modality"/>.</summary>
    public Tensor InputsOf(int modality) => _inputs[modality];

    /// <inheritdoc />
    public int LabelOf(int index) => _labelValues[index];

    /// <inheritdoc />
    public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
    {
        using Tensor index = torch.tensor(indices.Select(i => (long)i).ToArray(), ScalarType.Int64);
        return new Batch(_inputs.Select(t => t.index_select(0, index)).ToArray(), _labels.index_select(0, index));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in _inputs) t.Dispose();
        _labels.Dispose();
    }
}
