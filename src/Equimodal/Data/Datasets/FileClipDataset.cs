using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data.Datasets;

/// <summary>A dataset whose samples are read from files on demand by one <see cref="IModalityReader"/> per modality.</summary>
public sealed class FileClipDataset : IMultimodalDataset
{
    private readonly IReadOnlyList<IModalityReader> _readers;
    private readonly IReadOnlyList<ClipEntry> _entries;
    private readonly int[] _labels;

    /// <summary>
    /// Creates the dataset of <paramref name="task"/> over <paramref name="entries"/>: for classification their labels
    /// must be in <paramref name="classNames"/>; otherwise each entry's values hold one number per output name.
    /// </summary>
    public FileClipDataset(IReadOnlyList<IModalityReader> readers, IReadOnlyList<string> classNames, IReadOnlyList<ClipEntry> entries, TaskKind task = TaskKind.Classification)
    {
        _readers = readers;
        _entries = entries;
        ClassNames = classNames;
        Task = task;
        Modalities = readers.Select(r => r.Spec).ToArray();
        var index = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        _labels = task == TaskKind.Classification ? entries.Select(e => index[e.Label]).ToArray() : new int[entries.Count];
    }

    /// <inheritdoc />
    public TaskKind Task { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <summary>The listed sample at <paramref name="index"/>.</summary>
    public ClipEntry EntryOf(int index) => _entries[index];

    /// <inheritdoc />
    public int LabelOf(int index) => _labels[index];

    /// <inheritdoc />
    public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
    {
        var inputs = new Tensor[_readers.Count];
        for (int m = 0; m < _readers.Count; m++)
        {
            long[] shape = _readers[m].Spec.Shape;
            int length = (int)shape.Aggregate(1L, (a, b) => a * b);
            var values = new float[indices.Count * length];
            for (int b = 0; b < indices.Count; b++)
            {
                float[] sample = _readers[m].Read(_entries[indices[b]].Paths[m], augmentation.Enabled, augmentation.ForSample(b));
                sample.CopyTo(values, b * length);
            }
            inputs[m] = torch.tensor(values, new[] { (long)indices.Count }.Concat(shape).ToArray());
        }
        Tensor labels = Task == TaskKind.Classification
            ? torch.tensor(indices.Select(i => (long)_labels[i]).ToArray(), ScalarType.Int64)
            : LabelValues.Rows(indices.Select(i => _entries[i].Values!).ToArray(), ClassNames.Count);
        return new Batch(inputs, labels);
    }
}
