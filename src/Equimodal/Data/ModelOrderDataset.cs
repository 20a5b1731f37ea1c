namespace Equimodal.Data;

/// <summary>
/// A dataset seen through a model's modality binding (<see cref="ModalityBinding.Bind(IMultimodalDataset, IReadOnlyList{string}, string)"/>):
/// its batches hold only the inputs the model reads, in model order; inputs the model does not read are disposed on loading.
/// </summary>
internal sealed class ModelOrderDataset : IMultimodalDataset
{
    private readonly IMultimodalDataset _source;
    private readonly int[] _inputs;

    /// <summary>The view of <paramref name="source"/> whose input m is the source's input <c>inputs[m]</c>.</summary>
    public ModelOrderDataset(IMultimodalDataset source, IReadOnlyList<int> inputs)
    {
        // A binding of a binding points straight at the source, so a batch is loaded and cut once.
        (_source, _inputs) = source is ModelOrderDataset inner ? (inner._source, inputs.Select(i => inner._inputs[i]).ToArray()) : (source, inputs.ToArray());
        Modalities = _inputs.Select(i => _source.Modalities[i]).ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public Tasks.TaskKind Task => _source.Task;

    /// <inheritdoc />
    public int Count => _source.Count;

    /// <inheritdoc />
    public int LabelOf(int index) => _source.LabelOf(index);

    /// <inheritdoc />
    public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
    {
        Batch loaded = _source.GetBatch(indices, augmentation);
        for (int i = 0; i < loaded.Inputs.Count; i++)
        {
            if (!_inputs.Contains(i)) loaded.Inputs[i].Dispose();
        }
        return new Batch(_inputs.Select(i => loaded.Inputs[i]).ToArray(), loaded.Labels);
    }
}
