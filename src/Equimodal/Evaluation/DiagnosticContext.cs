using Equimodal.Data;
using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>The trained model and data a diagnostic may evaluate.</summary>
/// <param name="Model">The trained model (selected weights), in eval mode.</param>
/// <param name="Splits">The data it was trained on, bound to it (<see cref="ModalityBinding"/>: batches in model order).</param>
/// <param name="BatchSize">Evaluation batch size.</param>
/// <param name="Device">Device the model is on.</param>
/// <param name="Seed">The run's training seed, for diagnostics that draw random numbers (linear probes).</param>
public sealed record DiagnosticContext(MultimodalClassifier Model, DatasetSplits Splits, int BatchSize, Device Device, int Seed = 0)
{
    private readonly IReadOnlyList<ModalitySpec>? _dataModalities;

    /// <summary>
    /// Every modality of the data, including those the model does not read (for diagnostics that report on each, e.g.
    /// robustness); by default the modalities of <see cref="Splits"/>.
    /// </summary>
    public IReadOnlyList<ModalitySpec> DataModalities
    {
        get => _dataModalities ?? Splits.Modalities;
        init => _dataModalities = value;
    }
}
