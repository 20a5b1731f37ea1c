using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>A dataset held in memory as one tensor per modality (samples first) plus the labels (see <see cref="Batch.Labels"/>).</summary>
public sealed class TensorDataset : IMultimodalDataset, IDisposable
{
    private readonly Tensor[] _inputs;
    private readonly Tensor _labels;
    private readonly int[] _labelValues;

    /// <summary>Creates a classification dataset; tensors are kept (not copied) and disposed with it.</summary>
    public TensorDataset(IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<string> classNames, IReadOnlyList<Tensor> inputs, Tensor labels)
        : this(modalities, classNames, inputs, labels, TaskKind.Classification)
    {
    }

    /// <summary>
    /// Creates a dataset of <paramref name="task"/>: <paramref name="labels"/> are class indices [samples] for
    /// classification, or [samples, outputs] values (multi-hot 0/1 for multi-label) named by <paramref name="outputNames"/>.
    /// <paramref name="strata"/> groups the samples of a multi-label or regression dataset for stratified splits (what
    /// <see cref="LabelOf"/> returns; null: one stratum); classification is stratified by class and takes none.
    /// </summary>
    public TensorDataset(IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<string> outputNames, IReadOnlyList<Tensor> inputs, Tensor labels, TaskKind task,
        IReadOnlyList<int>? strata = null)
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
        ClassNames = outputNames;
        Task = task;
        _inputs = inputs.ToArray();
        if (task != TaskKind.Classification)
        {
            if (strata is not null && strata.Count != count) throw new ArgumentException($"{strata.Count} strata for {count} samples.");
            _labels = LabelValues.Check(labels, outputNames, task);
            _labelValues = strata?.ToArray() ?? new int[count];
            return;
        }
        if (strata is not null) throw new ArgumentException("A classification dataset is stratified by its classes: give no strata.");
        _labels = labels.to_type(ScalarType.Int64);
        _labelValues = _labels.data<long>().Select(v => (int)v).ToArray();
        int bad = Array.FindIndex(_labelValues, v => v < 0 || v >= outputNames.Count);
        if (bad >= 0) throw new ArgumentException($"Sample {bad} has label {_labelValues[bad]}, outside 0..{outputNames.Count - 1}.");
    }

    /// <inheritdoc />
    public TaskKind Task { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public int Count => _labelValues.Length;

    /// <summary>The full input tensor of modality <paramref name="modality"/>.</summary>
    public Tensor InputsOf(int modality) => _inputs[modality];

    /// <summary>The class of sample <paramref name="index"/>; for multi-label and regression, its stratum.</summary>
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
