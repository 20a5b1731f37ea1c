using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>A dataset held in memory as one tensor per modality (samples first) plus the labels.</summary>
public sealed class TensorDataset : IMultimodalDataset, IDisposable
{
    private readonly Tensor[] _inputs;
    private readonly Tensor _labels;
    private readonly int[] _labelValues;

    /// <summary>Creates a classification dataset (int64 class indices [samples]); tensors are kept (not copied) and disposed with it.</summary>
    public TensorDataset(IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<string> classNames, IReadOnlyList<Tensor> inputs, Tensor labels)
        : this(modalities, TaskKind.Classification, classNames, inputs, labels, strata: null)
    {
    }

    /// <summary>
    /// Creates a dataset of task <paramref name="task"/>: <paramref name="labels"/> are int64 class indices [samples] for
    /// classification, float32 [samples, labels] multi-hot for multi-label, float32 [samples, targets] for regression,
    /// with one name per class, label or target in <paramref name="labelNames"/>. <paramref name="strata"/> groups the
    /// samples of a multi-label or regression dataset for stratified splits (<see cref="LabelOf"/>); classification
    /// stratifies by class and takes none. Tensors are kept (not copied) and disposed with it.
    /// </summary>
    public TensorDataset(IReadOnlyList<ModalitySpec> modalities, TaskKind task, IReadOnlyList<string> labelNames, IReadOnlyList<Tensor> inputs, Tensor labels, IReadOnlyList<int>? strata)
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
        ClassNames = labelNames;
        Task = task;
        _inputs = inputs.ToArray();
        if (task == TaskKind.Classification)
        {
            if (strata is not null) throw new ArgumentException("A classification dataset is stratified by its classes: give no strata.");
            _labels = labels.to_type(ScalarType.Int64);
            _labelValues = _labels.data<long>().Select(v => (int)v).ToArray();
            int bad = Array.FindIndex(_labelValues, v => v < 0 || v >= labelNames.Count);
            if (bad >= 0) throw new ArgumentException($"Sample {bad} has label {_labelValues[bad]}, outside 0..{labelNames.Count - 1}.");
            return;
        }
        if (!labels.shape.SequenceEqual(new[] { count, (long)labelNames.Count }))
            throw new ArgumentException($"{task} labels have shape [{string.Join(", ", labels.shape)}], expected [{count}, {labelNames.Count}] (samples, {(task == TaskKind.MultiLabel ? "labels" : "targets")}).");
        if (strata is null || strata.Count != count) throw new ArgumentException($"A {task} dataset needs one stratum per sample ({count}).");
        _labels = labels.to_type(ScalarType.Float32);
        float[] values = _labels.data<float>().ToArray();
        if (task == TaskKind.MultiLabel && values.Any(v => v != 0 && v != 1)) throw new ArgumentException("Multi-label labels must be 0 or 1.");
        if (values.Any(v => !float.IsFinite(v))) throw new ArgumentException("Regression targets must be finite numbers.");
        _labelValues = strata.ToArray();
    }

    /// <summary>What the labels are: classes, label sets or target values.</summary>
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
