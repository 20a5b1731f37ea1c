using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>
/// What every method reports about its modalities and its cost, computed by the same code for all methods after training.
/// Fields that need a diagnostic not run (Shapley values, attribution shares) stay null.
/// </summary>
public sealed record ModelDiagnostics
{
    /// <summary>Test accuracy of each modality's own logits (modality failure shows as a low value).</summary>
    public IReadOnlyDictionary<string, double> ModalityAccuracy { get; init; } = new Dictionary<string, double>();

    /// <summary>Exact Shapley value of each modality over test accuracy, when a Shapley diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? ShapleyValues { get; init; }

    /// <summary>Normalized spread of the Shapley values (|phi_a - phi_v| / (phi_a + phi_v) for two modalities), when computed.</summary>
    public double? ImbalanceDegree { get; init; }

    /// <summary>
    /// BalanceBenchmark's imbalance: |phi_1 - phi_2| of the Shapley values over test accuracy (mean over modality pairs for
    /// more), in accuracy units, when computed. Unlike <see cref="ImbalanceDegree"/> it is not normalised by the values' size.
    /// </summary>
    public double? ShapleyGap { get; init; }

    /// <summary>Mean attribution share of each modality on test data (measured by the evaluator for every method).</summary>
    public IReadOnlyDictionary<string, double>? AttributionShares { get; init; }

    /// <summary>Test accuracy with each modality missing, when the robustness diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? AccuracyMissing { get; init; }

    /// <summary>Test accuracy with each modality under its default corruption, when the robustness diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? AccuracyCorrupted { get; init; }

    /// <summary>
    /// Linear probes of the frozen encoders, when the linear-probe diagnostic ran: the concatenated features
    /// (<see cref="LinearProbe.AllFeatures"/>) first, then each modality the model reads.
    /// </summary>
    public IReadOnlyList<ProbeResult>? LinearProbes { get; init; }

    /// <summary>Seconds spent in training steps over all epochs.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Mean training seconds per epoch.</summary>
    public double SecondsPerEpoch { get; init; }

    /// <summary>Mean seconds per optimisation step.</summary>
    public double SecondsPerStep { get; init; }
}

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

/// <summary>
/// A diagnostic that needs the trained model (e.g. Shapley values over modalities, attribution shares): it fills in its
/// fields of <see cref="ModelDiagnostics"/>. Comparisons run every registered diagnostic on every run.
/// </summary>
public interface IModelDiagnostic
{
    /// <summary>Returns <paramref name="diagnostics"/> with this diagnostic's fields filled in.</summary>
    ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context);
}

/// <summary>Computes <see cref="ModelDiagnostics"/> of a finished run.</summary>
public static class ModalityDiagnostics
{
    /// <summary>
    /// The diagnostics of <paramref name="result"/>: what the training already measured, then each of
    /// <paramref name="modelDiagnostics"/> on the model that <paramref name="loadContext"/> provides (only called when there are any).
    /// </summary>
    public static ModelDiagnostics Compute(TrainingResult result, IReadOnlyList<IModelDiagnostic> modelDiagnostics, Func<DiagnosticContext> loadContext)
    {
        var diagnostics = new ModelDiagnostics
        {
            ModalityAccuracy = result.Test.ModalityAccuracy,
            AttributionShares = result.Test.AttributionShares.Count == 0 ? null : result.Test.AttributionShares,
            TrainSeconds = result.TrainSeconds,
            SecondsPerEpoch = result.SecondsPerEpoch,
            SecondsPerStep = result.SecondsPerStep,
        };
        if (modelDiagnostics.Count == 0) return diagnostics;
        DiagnosticContext context = loadContext();
        try
        {
            context.Model.eval();
            return modelDiagnostics.Aggregate(diagnostics, (current, diagnostic) => diagnostic.Apply(current, context));
        }
        finally
        {
            context.Model.Dispose();
        }
    }
}
