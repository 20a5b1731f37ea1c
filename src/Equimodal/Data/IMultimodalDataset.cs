using Equimodal.Tasks;

namespace Equimodal.Data;

/// <summary>A labelled set of multimodal samples that the trainer and evaluator read by index.</summary>
public interface IMultimodalDataset
{
    /// <summary>The modalities, in the order of <see cref="Batch.Inputs"/>.</summary>
    IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <summary>
    /// Output names: the classes (a label is an index into this list), the labels of a multi-label task (columns of the
    /// multi-hot label) or the targets of a regression task (columns of the target values).
    /// </summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>What the labels are (see <see cref="Batch.Labels"/>); classification unless the dataset says otherwise.</summary>
    TaskKind Task => TaskKind.Classification;

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The class of sample <paramref name="index"/>, without loading its inputs; 0 for tasks without classes (one stratum when splitting).</summary>
    int LabelOf(int index);

    /// <summary>
    /// Loads the samples at <paramref name="indices"/> as one batch, augmented as <paramref name="augmentation"/> says.
    /// May be called from a loader's worker thread: it must draw randomness only from <paramref name="augmentation"/>
    /// (never from torch's global generator or state kept between calls), so batches do not depend on the thread or call order.
    /// </summary>
    Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation);
}

/// <summary>Train, validation and test parts of one dataset. Model selection uses Validation only.</summary>
/// <param name="Train">Samples the optimizer sees.</param>
/// <param name="Validation">Samples for model selection and early diagnostics.</param>
/// <param name="Test">Samples reported once, at the end.</param>
public sealed record DatasetSplits(IMultimodalDataset Train, IMultimodalDataset Validation, IMultimodalDataset Test)
{
    /// <summary>Modalities shared by all splits.</summary>
    public IReadOnlyList<ModalitySpec> Modalities => Train.Modalities;

    /// <summary>Class names shared by all splits.</summary>
    public IReadOnlyList<string> ClassNames => Train.ClassNames;

    /// <summary>The task the splits' labels serve, with its loss settings (by default: the training split's task over <see cref="ClassNames"/>, regression with MSE).</summary>
    public PredictionTask Task
    {
        get => field ??= PredictionTask.Create(Train.Task, ClassNames);
        init;
    }

    /// <summary>Samples left out while loading and why (empty for generated data).</summary>
    public Datasets.LoadReport Report { get; init; } = Datasets.LoadReport.Empty;

    /// <summary>How each modality's input was made from raw files, with the statistics fitted on this data (generated data: none).</summary>
    public DatasetPreprocessing Preprocessing { get; init; } = new(Array.Empty<InputPreprocessing>());
}
