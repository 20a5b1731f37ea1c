using Equimodal.Tasks;

namespace Equimodal.Data;

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
